// A deterministic synthetic lead base for the demo, the benchmarks and the
// tests: leads with the standard fields and three custom ones, activity
// events, and a dozen realistic segments.
#ifndef AUDIENCE_EXAMPLES_SYNTHETIC_DATA_H_
#define AUDIENCE_EXAMPLES_SYNTHETIC_DATA_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "audience/engine.h"

namespace audience::synthetic {

struct Options {
  uint64_t leads = 1'000'000;
  uint64_t seed = 42;
  // The clock the data is generated around (2026-09-21).
  Timestamp now = 1'790'000'000;
  // Average activity events per lead.
  double events_per_lead = 3.0;
};

// Declares the custom fields the data uses: plan (keyword), mrr (double),
// opted_in (bool).
absl::Status DefineFields(Engine& engine);

// One lead object per line, ids 1..leads (ascending).
std::string LeadsNdjson(const Options& options);
// One event object per line (email_open, email_click, form_submit,
// page_visit) in the 180 days before `now`.
std::string EventsNdjson(const Options& options);

struct NamedSegment {
  SegmentDefinition definition;
  std::string family;  // which condition family it shows
};
// A dozen segments: one per condition family, a few with 4-6 conditions
// and one with nested groups ("Reachable NA prospects").
std::vector<NamedSegment> DemoSegments();

// The 5-condition segment of the performance targets: country in, tag has,
// score >=, stage !=, email ends_with.
SegmentDefinition FiveConditionSegment();

// Loads everything into a fresh engine: fields, clock, leads, events.
absl::StatusOr<std::unique_ptr<Engine>> BuildEngine(const Options& options);

}  // namespace audience::synthetic

#endif  // AUDIENCE_EXAMPLES_SYNTHETIC_DATA_H_
