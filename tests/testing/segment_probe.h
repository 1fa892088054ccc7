// SegmentProbe: evaluates a definition over a small lead base in every way
// the engine can — set-at-a-time when a segment is created over existing
// leads, row by row when leads and events arrive after it, as a preview, and
// condition by condition in Explain — and REQUIREs that all of them agree.
// Filter tests state the expected members once and get every path checked.
#ifndef AUDIENCE_TESTS_TESTING_SEGMENT_PROBE_H_
#define AUDIENCE_TESTS_TESTING_SEGMENT_PROBE_H_

#include <algorithm>
#include <catch2/catch.hpp>
#include <initializer_list>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "testing/test_util.h"

namespace audience::testing {

// A fixed "now" well inside the int64 range, so windows of days fit on both
// sides.
inline constexpr Timestamp kProbeNow = 1'790'000'000;

// Field values, spelled so that overload resolution never surprises.
inline Value Str(std::string s) { return Value(std::move(s)); }
inline Value Int(int64_t v) { return Value(v); }
inline Value Num(double v) { return Value(v); }
inline Value Bool(bool v) { return Value(v); }
inline Value Tags(std::initializer_list<const char*> tags) {
  TagList out;
  for (const char* t : tags) out.emplace_back(t);
  return Value(std::move(out));
}

// A list operand of numbers.
inline std::vector<Scalar> Ints(std::initializer_list<int64_t> values) {
  return std::vector<Scalar>(values.begin(), values.end());
}
inline std::vector<Scalar> Nums(std::initializer_list<double> values) {
  return std::vector<Scalar>(values.begin(), values.end());
}

inline Operand Days(int64_t n) { return Duration{n, Duration::Unit::kDays}; }
inline Operand Hours(int64_t n) { return Duration{n, Duration::Unit::kHours}; }

inline std::vector<LeadId> Ids(std::initializer_list<LeadId> ids) {
  return std::vector<LeadId>(ids);
}

// A change without its cause and time, for tests that pin only who moved.
struct Moved {
  SegmentId segment;
  LeadId lead;
  ChangeKind kind;
  friend bool operator==(const Moved&, const Moved&) = default;
};
inline std::vector<Moved> MovedBy(
    const std::vector<MembershipChange>& changes) {
  std::vector<Moved> out;
  for (const MembershipChange& c : changes) {
    out.push_back(Moved{c.segment, c.lead, c.kind});
  }
  return out;
}
inline constexpr ChangeKind kIn = ChangeKind::kEntered;
inline constexpr ChangeKind kOut = ChangeKind::kLeft;

class SegmentProbe {
 public:
  explicit SegmentProbe(Timestamp now = kProbeNow) : now_(now) {}

  SegmentProbe& Field(std::string name, FieldType type) {
    fields_.emplace_back(std::move(name), type);
    return *this;
  }
  SegmentProbe& Lead(LeadId id, FieldValues fields = {}) {
    leads_.push_back(audience::Lead{id, std::move(fields)});
    return *this;
  }
  SegmentProbe& Event(LeadId lead, std::string type,
                      std::optional<int64_t> object, Timestamp ts) {
    events_.push_back(audience::Event{lead, std::move(type), object, ts});
    return *this;
  }

  Timestamp now() const { return now_; }

  // An engine holding the fields, leads and events.
  std::unique_ptr<Engine> Build() const {
    auto engine = OpenEngine(now_);
    for (const auto& [name, type] : fields_) {
      REQUIRE_OK(engine->DefineField(name, type));
    }
    for (const audience::Lead& lead : leads_) {
      REQUIRE_OK(engine->UpsertLead(lead));
    }
    for (const audience::Event& event : events_) {
      REQUIRE_OK(engine->RecordEvent(event));
    }
    return engine;
  }

  // The leads matching all of `filters`, ascending, after checking that every
  // evaluation path gives the same answer.
  std::vector<LeadId> Matching(std::vector<Condition> filters) const {
    INFO("filters: " << filters.size() << " condition(s), first op "
                     << (filters.empty() ? "-" : OpName(filters[0].op)));
    // Set-at-a-time: the segment is created over the finished lead base.
    auto bulk = Build();
    const SegmentId id = MakeSegment(*bulk, Def("probe", filters));
    const std::vector<LeadId> members = MembersOf(*bulk, id);

    auto preview = bulk->PreviewSegment(Def("", filters), 1000);
    REQUIRE_OK(preview);
    CHECK(preview->count == members.size());
    CHECK(preview->first_members == members);

    for (const audience::Lead& lead : leads_) {
      auto explained = bulk->Explain(lead.id, id);
      REQUIRE_OK(explained);
      const bool member =
          std::binary_search(members.begin(), members.end(), lead.id);
      INFO("explain lead " << lead.id);
      CHECK(explained->member == member);
      CHECK(explained->matches == member);
      CHECK(explained->manual == Explanation::Manual::kNone);
      REQUIRE(explained->conditions.size() == filters.size());
      bool all = !filters.empty();
      for (size_t i = 0; i < filters.size(); ++i) {
        CHECK(explained->conditions[i].index == i);
        all = all && explained->conditions[i].held;
      }
      CHECK(all == member);
    }

    // Row by row: the segment exists first; each upsert and event is a point
    // evaluation, and the reported changes must add up to the members.
    auto incremental = OpenEngine(now_);
    for (const auto& [name, type] : fields_) {
      REQUIRE_OK(incremental->DefineField(name, type));
    }
    const SegmentId inc_id = MakeSegment(*incremental, Def("probe", filters));
    std::set<LeadId> reported;
    auto apply = [&](const MutationResult& result) {
      for (const MembershipChange& c : result.changes) {
        CHECK(c.segment == inc_id);
        if (c.kind == ChangeKind::kEntered) {
          CHECK(reported.insert(c.lead).second);
        } else {
          CHECK(reported.erase(c.lead) == 1);
        }
      }
    };
    for (const audience::Lead& lead : leads_) {
      auto result = incremental->UpsertLead(lead);
      REQUIRE_OK(result);
      apply(*result);
    }
    for (const audience::Event& event : events_) {
      auto result = incremental->RecordEvent(event);
      REQUIRE_OK(result);
      apply(*result);
    }
    CHECK(MembersOf(*incremental, inc_id) == members);
    CHECK(std::vector<LeadId>(reported.begin(), reported.end()) == members);
    return members;
  }

  std::vector<LeadId> Matching(Condition condition) const {
    return Matching(std::vector<Condition>{std::move(condition)});
  }

  // Every lead id, ascending.
  std::vector<LeadId> All() const {
    std::vector<LeadId> ids;
    for (const audience::Lead& lead : leads_) ids.push_back(lead.id);
    std::sort(ids.begin(), ids.end());
    return ids;
  }
  // Every lead id but `excluded`, ascending.
  std::vector<LeadId> AllBut(std::initializer_list<LeadId> excluded) const {
    std::vector<LeadId> ids;
    for (LeadId id : All()) {
      if (std::find(excluded.begin(), excluded.end(), id) == excluded.end()) {
        ids.push_back(id);
      }
    }
    return ids;
  }

 private:
  Timestamp now_;
  std::vector<std::pair<std::string, FieldType>> fields_;
  std::vector<audience::Lead> leads_;
  std::vector<audience::Event> events_;
};

}  // namespace audience::testing

#endif  // AUDIENCE_TESTS_TESTING_SEGMENT_PROBE_H_
