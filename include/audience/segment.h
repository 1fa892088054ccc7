// Segments, categories and the query results about them.
#ifndef AUDIENCE_SEGMENT_H_
#define AUDIENCE_SEGMENT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "audience/filter.h"
#include "audience/lead.h"
#include "audience/types.h"

namespace audience {

// What a host writes to create or replace a segment. Names are trimmed,
// 1..200 characters, unique and looked up case-insensitively.
struct SegmentDefinition {
  std::string name;
  std::optional<std::string> category = {};  // must name an existing category
  bool is_public = false;  // only public segments may feed campaigns
  std::string description = {};
  std::vector<Condition> filters = {};  // AND; empty = a manual list
};

// A saved segment as the engine reports it: names are the stored spelling,
// and segment references carry the referenced segment's current name.
struct Segment {
  SegmentId id = 0;
  SegmentDefinition definition;
  uint64_t member_count = 0;
};

struct Category {
  CategoryId id = 0;
  std::string name;
};

// A page of members in ascending lead id order. `next` is the cursor for the
// following page (pass it as `after`), or nullopt after the last page.
struct MembersPage {
  std::vector<LeadId> leads;
  std::optional<LeadId> next;
};

// One condition of an explanation, in the definition's order.
struct ConditionOutcome {
  size_t index = 0;  // the condition's place in its list (filters or group)
  bool held = false;
  // Leaves: the lead's value that the condition read: the field's value, the
  // number of qualifying events (activity), or membership (segment, as a
  // bool).
  Value value;
  // Groups: kAll, kAny or kNot, and the outcomes of the group's conditions
  // (indexed from 0 within it).
  std::optional<Condition::Kind> group = std::nullopt;
  std::vector<ConditionOutcome> conditions = {};
};

struct Explanation {
  bool member = false;   // the final answer, manual overrides included
  bool matches = false;  // what the filters alone say
  enum class Manual : uint8_t { kNone, kAdded, kRemoved };
  // The manual override recorded for the lead in this segment, if any.
  Manual manual = Manual::kNone;
  std::vector<ConditionOutcome> conditions;
};

// The audience of an unsaved definition.
struct Preview {
  uint64_t count = 0;
  std::vector<LeadId> first_members;  // ascending
  // Engine::PreviewSegmentUpdate only: how many of the segment's members
  // would leave, and how many leads would enter.
  uint64_t entering = 0;
  uint64_t leaving = 0;
};

// What depends on a segment: the campaigns naming it (as a source or a
// workflow segment) and the segments whose filters reference it, by id.
struct SegmentUsage {
  std::vector<CampaignId> campaigns;
  std::vector<SegmentId> segments;
};

// One bucket of a segment's leads over time (UTC-aligned).
struct HistoryBucket {
  Timestamp start = 0;   // the bucket covers [start, start + width)
  uint64_t added = 0;    // leads that entered during the bucket
  uint64_t removed = 0;  // leads that left during the bucket
  uint64_t total = 0;    // members at the end of the bucket
};

enum class BucketWidth : uint8_t { kHour, kDay };

// Approximate bytes held by each part of an engine.
struct MemoryStats {
  uint64_t leads = 0;
  // Per field, in schema order: values, null bitmap, dictionary and index.
  std::vector<std::pair<std::string, uint64_t>> field_bytes;
  uint64_t row_bytes = 0;       // lead id map, live bitmap
  uint64_t activity_bytes = 0;  // events and their indexes
  uint64_t segment_bytes = 0;   // membership bitmaps
  // What incremental updates use: the segments' watch index (field, term,
  // bound and event-type -> segments) and the time orders kept for clock
  // advances (timestamp values and event times of windowed conditions).
  uint64_t index_bytes = 0;
  uint64_t history_bytes = 0;  // per-segment hourly change counts
  // Campaign participation (action counts per lead) and active segments.
  uint64_t campaign_bytes = 0;
};

}  // namespace audience

#endif  // AUDIENCE_SEGMENT_H_
