#include "engine/reference_model.h"

#include <algorithm>
#include <cmath>

namespace audience::testing {

namespace {

bool SameFold(const std::string& a, const std::string& b) {
  return ReferenceModel::Fold(a) == ReferenceModel::Fold(b);
}

const std::string* AsString(const Scalar& s) {
  return std::get_if<std::string>(&s);
}

Scalar ToScalar(const Operand& o) {
  if (auto* b = std::get_if<bool>(&o)) return *b;
  if (auto* i = std::get_if<int64_t>(&o)) return *i;
  if (auto* d = std::get_if<double>(&o)) return *d;
  if (auto* s = std::get_if<std::string>(&o)) return *s;
  return std::monostate{};
}

std::vector<Scalar> ToList(const Operand& o) {
  if (auto* l = std::get_if<std::vector<Scalar>>(&o)) return *l;
  return {ToScalar(o)};
}

}  // namespace

std::string ReferenceModel::Fold(const std::string& s) {
  std::string out = s;
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

void ReferenceModel::Upsert(const Lead& lead) {
  ModelLead& stored = leads[lead.id];
  stored.fields.clear();
  for (const auto& [name, value] : lead.fields) {
    if (auto* s = std::get_if<std::string>(&value)) {
      if (!s->empty()) stored.fields[name] = *s;
    } else if (auto* tags = std::get_if<TagList>(&value)) {
      TagList kept;
      for (const std::string& t : *tags) {
        if (t.empty()) continue;
        bool dup =
            std::any_of(kept.begin(), kept.end(),
                        [&](const std::string& k) { return SameFold(k, t); });
        if (!dup) kept.push_back(t);
      }
      if (!kept.empty()) stored.fields[name] = kept;
    } else if (auto* i = std::get_if<int64_t>(&value)) {
      if (schema_.at(name) == FieldType::kDouble) {
        stored.fields[name] = static_cast<double>(*i);
      } else {
        stored.fields[name] = *i;
      }
    } else if (!std::holds_alternative<std::monostate>(value)) {
      stored.fields[name] = value;
    }
  }
}

bool ReferenceModel::Holds(const Condition& c, LeadId id,
                           const ModelLead& lead) const {
  // Groups (design.md §2.1), by their definition.
  if (c.kind == Condition::Kind::kAll || c.kind == Condition::Kind::kAny) {
    size_t held = 0;
    for (const Condition& child : c.children) held += Holds(child, id, lead);
    return c.kind == Condition::Kind::kAll ? held == c.children.size()
                                           : held > 0;
  }
  if (c.kind == Condition::Kind::kNot) {
    return !Holds(c.children.front(), id, lead);
  }
  if (c.kind == Condition::Kind::kSegment) {
    bool member = Members(c.subject).count(id) > 0;
    return c.op == Op::kMember ? member : !member;
  }
  if (c.kind == Condition::Kind::kActivity) {
    int64_t count = 0;
    for (const ModelEvent& e : lead.events) {
      if (e.type != c.subject) continue;
      if (c.object && e.object != c.object) continue;
      if (c.within_days &&
          !(now - *c.within_days * kSecondsPerDay <= e.ts && e.ts <= now)) {
        continue;
      }
      ++count;
    }
    bool did = count >= c.at_least;
    return c.op == Op::kDid ? did : !did;
  }
  auto it = lead.fields.find(c.subject);
  const bool empty = it == lead.fields.end();
  if (c.op == Op::kEmpty) return empty;
  if (c.op == Op::kNotEmpty) return !empty;
  const FieldType type = schema_.at(c.subject);
  // Positive form of the operator; negatives flip it below.
  auto positive = [&](Op op) -> bool {
    if (empty) return false;
    const Value& v = it->second;
    switch (type) {
      case FieldType::kString:
      case FieldType::kKeyword: {
        const std::string& s = std::get<std::string>(v);
        const std::string fs = Fold(s);
        switch (op) {
          case Op::kEq:
          case Op::kIn:
            for (const Scalar& x : ToList(c.value)) {
              if (fs == Fold(*AsString(x))) return true;
            }
            return false;
          case Op::kContains:
            return fs.find(Fold(std::get<std::string>(c.value))) !=
                   std::string::npos;
          case Op::kStartsWith: {
            std::string p = Fold(std::get<std::string>(c.value));
            return fs.compare(0, p.size(), p) == 0 && fs.size() >= p.size();
          }
          case Op::kEndsWith: {
            std::string p = Fold(std::get<std::string>(c.value));
            return fs.size() >= p.size() &&
                   fs.compare(fs.size() - p.size(), p.size(), p) == 0;
          }
          default:
            return false;
        }
      }
      case FieldType::kTags: {
        const TagList& tags = std::get<TagList>(v);
        auto has = [&](const Scalar& x) {
          return std::any_of(
              tags.begin(), tags.end(),
              [&](const std::string& t) { return SameFold(t, *AsString(x)); });
        };
        std::vector<Scalar> wanted = ToList(c.value);
        if (op == Op::kHasAll)
          return std::all_of(wanted.begin(), wanted.end(), has);
        return std::any_of(wanted.begin(), wanted.end(), has);
      }
      case FieldType::kBool:
        return std::get<bool>(v) == std::get<bool>(c.value);
      case FieldType::kInt64:
      case FieldType::kTimestamp:
      case FieldType::kDouble: {
        // Compare as long double: exact for int64 and double alike.
        long double x = type == FieldType::kDouble
                            ? static_cast<long double>(std::get<double>(v))
                            : static_cast<long double>(std::get<int64_t>(v));
        auto num = [](const Scalar& s) -> long double {
          if (auto* i = std::get_if<int64_t>(&s)) return *i;
          return std::get<double>(s);
        };
        switch (op) {
          case Op::kEq:
            return x == num(ToScalar(c.value));
          case Op::kGt:
          case Op::kAfter:
            return x > num(ToScalar(c.value));
          case Op::kGte:
            return x >= num(ToScalar(c.value));
          case Op::kLt:
          case Op::kBefore:
            return x < num(ToScalar(c.value));
          case Op::kLte:
            return x <= num(ToScalar(c.value));
          case Op::kBetween: {
            auto range = std::get<std::vector<Scalar>>(c.value);
            return num(range[0]) <= x && x <= num(range[1]);
          }
          case Op::kWithinLast: {
            long double d = std::get<Duration>(c.value).seconds();
            return now - d <= x && x <= now;
          }
          case Op::kOlderThan: {
            long double d = std::get<Duration>(c.value).seconds();
            return x < now - d;
          }
          default:
            return false;
        }
      }
    }
    return false;
  };
  switch (c.op) {
    case Op::kNeq:
      return !positive(Op::kEq);
    case Op::kNotIn:
      return !positive(Op::kIn);
    case Op::kNotContains:
      return !positive(Op::kContains);
    case Op::kNotHas:
      return !positive(Op::kHas);
    case Op::kHasNone:
      return !positive(Op::kHasAny);
    default:
      return positive(c.op);
  }
}

std::set<LeadId> ReferenceModel::Evaluate(const SegmentDefinition& def) const {
  std::set<LeadId> out;
  if (def.filters.empty()) return out;
  // Referenced segments are evaluated once for all leads (see Members).
  std::map<std::string, std::set<LeadId>> memo;
  const bool top = memo_ == nullptr;
  if (top) memo_ = &memo;
  for (const auto& entry : leads) {
    bool all = std::all_of(def.filters.begin(), def.filters.end(),
                           [&](const Condition& c) {
                             return Holds(c, entry.first, entry.second);
                           });
    if (all) out.insert(entry.first);
  }
  if (top) memo_ = nullptr;
  return out;
}

std::map<std::string, std::set<LeadId>> ReferenceModel::AllMembers() const {
  std::map<std::string, std::set<LeadId>> memo;
  memo_ = &memo;
  std::map<std::string, std::set<LeadId>> out;
  for (const auto& [name, def] : segments) out[name] = Members(name);
  memo_ = nullptr;
  return out;
}

std::set<LeadId> ReferenceModel::Members(const std::string& segment) const {
  // Each segment is evaluated once per top-level question: re-evaluating a
  // referenced segment for every lead would be exponential in chain depth.
  std::map<std::string, std::set<LeadId>> memo;
  const bool top = memo_ == nullptr;
  if (top) memo_ = &memo;
  std::set<LeadId> out;
  auto cached = memo_->find(Fold(segment));
  if (cached != memo_->end()) {
    out = cached->second;
  } else {
    for (const auto& [name, def] : segments) {
      if (Fold(name) != Fold(segment)) continue;
      // members = (matches | added) - removed
      out = Evaluate(def);
      if (auto a = added.find(name); a != added.end()) {
        out.insert(a->second.begin(), a->second.end());
      }
      if (auto r = removed.find(name); r != removed.end()) {
        for (LeadId id : r->second) out.erase(id);
      }
    }
    (*memo_)[Fold(segment)] = out;
  }
  if (top) memo_ = nullptr;
  return out;
}

std::vector<std::string> SegmentReferences(
    const std::vector<Condition>& filters) {
  std::vector<std::string> out;
  for (const Condition& c : filters) {
    if (c.kind == Condition::Kind::kSegment) out.push_back(c.subject);
    for (std::string& name : SegmentReferences(c.children)) {
      out.push_back(std::move(name));
    }
  }
  return out;
}

bool ReferenceModel::DependsOn(const std::string& from,
                               const std::string& target) const {
  if (Fold(from) == Fold(target)) return true;
  for (const auto& [name, def] : segments) {
    if (Fold(name) != Fold(from)) continue;
    for (const std::string& ref : SegmentReferences(def.filters)) {
      if (DependsOn(ref, target)) return true;
    }
  }
  return false;
}

std::vector<std::string> ReferenceModel::ReferencedBy(
    const std::string& target) const {
  std::vector<std::string> out;
  for (const auto& [name, def] : segments) {
    for (const std::string& ref : SegmentReferences(def.filters)) {
      if (Fold(ref) == Fold(target)) {
        out.push_back(name);
        break;
      }
    }
  }
  return out;
}

bool ModelCampaign::IsSource(const std::string& segment) const {
  return std::find(sources.begin(), sources.end(), segment) != sources.end();
}

bool ModelCampaign::Uses(const std::string& segment) const {
  return IsSource(segment) ||
         std::find(workflow.begin(), workflow.end(), segment) != workflow.end();
}

}  // namespace audience::testing
