#include "engine/watch_index.h"

#include <algorithm>

#include "store/numeric_column.h"
#include "util/text.h"

namespace audience {

namespace {

using Watch = PredicateReads::Watch;

void AddTo(std::vector<SegmentId>& list, SegmentId segment, bool add) {
  if (add) {
    list.push_back(segment);
  } else if (auto it = std::find(list.begin(), list.end(), segment);
             it != list.end()) {
    list.erase(it);
  }
}

void AddBound(std::vector<std::pair<uint64_t, SegmentId>>& bounds, uint64_t key,
              SegmentId segment, bool add) {
  const std::pair<uint64_t, SegmentId> entry{key, segment};
  auto it = std::lower_bound(bounds.begin(), bounds.end(), entry);
  if (add) {
    bounds.insert(it, entry);
  } else if (it != bounds.end() && *it == entry) {
    bounds.erase(it);
  }
}

template <typename T>
void AddRange(std::vector<T>& ranges, const T& entry, bool add) {
  auto it = std::lower_bound(ranges.begin(), ranges.end(), entry);
  if (add) {
    ranges.insert(it, entry);
  } else if (it != ranges.end() && *it == entry) {
    ranges.erase(it);
  }
}

void Insert(const std::vector<SegmentId>& list, SegmentList* out) {
  out->insert(out->end(), list.begin(), list.end());
}

// Segments whose bound key lies in [lo, hi].
void InsertBetween(const std::vector<std::pair<uint64_t, SegmentId>>& bounds,
                   uint64_t lo, uint64_t hi, SegmentList* out) {
  if (lo > hi) return;
  for (auto it = std::lower_bound(bounds.begin(), bounds.end(),
                                  std::make_pair(lo, SegmentId{0}));
       it != bounds.end() && it->first <= hi; ++it) {
    out->push_back(it->second);
  }
}

uint64_t KeyOf(FieldType type, const Value& v) {
  if (type == FieldType::kDouble) {
    double d = std::holds_alternative<double>(v)
                   ? std::get<double>(v)
                   : static_cast<double>(std::get<int64_t>(v));
    return OrderKey(d == 0 ? 0.0 : d);
  }
  return OrderKey(std::get<int64_t>(v));
}

// The folded terms of a keyword or tags value.
std::vector<std::string> TermsOf(const Value& v) {
  std::vector<std::string> out;
  if (const auto* s = std::get_if<std::string>(&v)) {
    out.push_back(FoldAscii(*s));
  } else if (const auto* tags = std::get_if<TagList>(&v)) {
    for (const std::string& t : *tags) out.push_back(FoldAscii(t));
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace

void WatchIndex::Add(SegmentId segment, const Plan& plan) {
  // Each leaf's watch stands for the whole tree: the segment's answer can
  // only change where some leaf's does.
  for (const auto& p : plan.predicates()) Update(segment, p->reads(), true);
  if (plan.HoldsWhenEmpty()) empty_matchers_.push_back(segment);
}

void WatchIndex::Remove(SegmentId segment, const Plan& plan) {
  for (const auto& p : plan.predicates()) Update(segment, p->reads(), false);
  AddTo(empty_matchers_, segment, false);
}

void WatchIndex::Update(SegmentId segment, const PredicateReads& r, bool add) {
  if (r.watch == Watch::kSegment) return;  // the catalog's dependents
  if (r.watch == Watch::kActivity) {
    ActivityWatch& a = activities_[*r.activity_type];
    AddTo(r.object ? a.by_object[*r.object] : a.any_object, segment, add);
    if (r.window_days) {
      ClockWatchKey key{.activity = true,
                        .type = *r.activity_type,
                        .seconds = *r.window_days * kSecondsPerDay};
      AddTo(clock_[key], segment, add);
      if (clock_[key].empty()) clock_.erase(key);
    }
    return;
  }
  const FieldId field = *r.field;
  if (fields_.size() <= field) fields_.resize(field + 1);
  FieldWatch& w = fields_[field];
  w.count += add ? 1 : -1;
  switch (r.watch) {
    case Watch::kPresence:
      AddTo(w.presence, segment, add);
      break;
    case Watch::kRange:
      AddBound(w.highs, r.range.hi, segment, add);
      AddRange(w.ranges, {r.range.lo, r.range.hi, segment}, add);
      break;
    case Watch::kTerms:
      for (const std::string& term : r.terms) {
        AddTo(w.terms[term], segment, add);
        if (w.terms[term].empty()) w.terms.erase(term);
      }
      break;
    case Watch::kRelativeTime: {
      AddTo(w.any, segment, add);
      ClockWatchKey key{
          .field = field, .seconds = r.seconds, .within_last = r.within_last};
      AddTo(clock_[key], segment, add);
      if (clock_[key].empty()) clock_.erase(key);
      break;
    }
    default:
      AddTo(w.any, segment, add);
  }
}

void WatchIndex::FieldChanged(FieldId field, FieldType type,
                              const Value& before, const Value& after,
                              SegmentList* out) const {
  if (!Watches(field)) return;
  const FieldWatch& w = fields_[field];
  Insert(w.any, out);
  const bool had = !IsEmptyValue(before);
  const bool has = !IsEmptyValue(after);
  if (had != has) Insert(w.presence, out);
  if (!w.ranges.empty()) {
    if (had && has) {
      // A range holds for exactly one of the values only if one of its
      // bounds lies between them.
      uint64_t a = KeyOf(type, before);
      uint64_t b = KeyOf(type, after);
      if (a > b) std::swap(a, b);
      if (a != b) {
        for (auto it = std::lower_bound(w.ranges.begin(), w.ranges.end(),
                                        RangeWatch{a + 1, 0, 0});
             it != w.ranges.end() && it->lo <= b; ++it) {
          out->push_back(it->segment);
        }
        InsertBetween(w.highs, a, b - 1, out);
      }
    } else if (had || has) {
      // From empty to v (or back), a range predicate flips iff v lies in
      // its range: a positive one goes from false to true, a negated one
      // (neq, empty holds) from true to false.
      const uint64_t v = KeyOf(type, had ? before : after);
      for (const RangeWatch& r : w.ranges) {
        if (r.lo > v) break;
        if (r.hi >= v) out->push_back(r.segment);
      }
    }
  }
  if (!w.terms.empty()) {
    // Only terms in one value but not the other can flip a term predicate.
    std::vector<std::string> old_terms = TermsOf(before);
    std::vector<std::string> new_terms = TermsOf(after);
    std::vector<std::string> changed;
    std::set_symmetric_difference(old_terms.begin(), old_terms.end(),
                                  new_terms.begin(), new_terms.end(),
                                  std::back_inserter(changed));
    for (const std::string& term : changed) {
      auto it = w.terms.find(AbslView(term));
      if (it != w.terms.end()) Insert(it->second, out);
    }
  }
}

void WatchIndex::EventRecorded(std::string_view type,
                               std::optional<int64_t> object,
                               SegmentList* out) const {
  auto it = activities_.find(AbslView(type));
  if (it == activities_.end()) return;
  Insert(it->second.any_object, out);
  if (object) {
    auto o = it->second.by_object.find(*object);
    if (o != it->second.by_object.end()) Insert(o->second, out);
  }
}

size_t WatchIndex::MemoryBytes() const {
  size_t bytes = 0;
  for (const FieldWatch& w : fields_) {
    bytes += (w.any.capacity() + w.presence.capacity()) * sizeof(SegmentId) +
             w.ranges.capacity() * sizeof(RangeWatch) +
             w.highs.capacity() * sizeof(std::pair<uint64_t, SegmentId>);
    for (const auto& [term, list] : w.terms) {
      bytes += term.capacity() + list.capacity() * sizeof(SegmentId) + 32;
    }
  }
  for (const auto& [type, a] : activities_) {
    bytes += type.capacity() + a.any_object.capacity() * sizeof(SegmentId);
    for (const auto& [o, list] : a.by_object) {
      bytes += 16 + list.capacity() * sizeof(SegmentId);
    }
  }
  for (const auto& [key, list] : clock_) {
    bytes += sizeof(key) + list.capacity() * sizeof(SegmentId);
  }
  return bytes + empty_matchers_.capacity() * sizeof(SegmentId);
}

}  // namespace audience
