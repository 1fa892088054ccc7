// Leads, partial updates of leads, and activity events.
#ifndef AUDIENCE_LEAD_H_
#define AUDIENCE_LEAD_H_

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "audience/types.h"

namespace audience {

using TagList = std::vector<std::string>;

// A field's value. std::monostate is the empty value. Which alternative a
// field takes follows its type: string and keyword -> std::string, int64 and
// timestamp -> int64_t, double -> double (int64_t is accepted too), bool ->
// bool, tags -> TagList. "" in a string or keyword field is empty; a "" tag is
// dropped.
using Value =
    std::variant<std::monostate, std::string, int64_t, double, bool, TagList>;

// True for std::monostate, "" and an empty tag list.
bool IsEmptyValue(const Value& value);

using FieldValues = std::map<std::string, Value, std::less<>>;

// A whole lead. Upserting it replaces every field: fields left out become
// empty. Events, manual overrides and history are kept.
struct Lead {
  LeadId id = 0;
  FieldValues fields;
};

// A partial update, applied as set, unset, add_tags, remove_tags in that
// order. add_tags / remove_tags change the standard "tags" field. Naming a
// field in both `set` and `unset` is an error.
struct LeadPatch {
  LeadId id = 0;
  FieldValues set = {};
  std::vector<std::string> unset = {};
  std::vector<std::string> add_tags = {};
  std::vector<std::string> remove_tags = {};
};

// One activity event of a lead. Types are open-ended, case-sensitive names
// ("email_open", "form_submit", ...). A missing `ts` means the engine's now.
struct Event {
  LeadId lead = 0;
  std::string type;
  std::optional<int64_t> object;
  std::optional<Timestamp> ts;
};

}  // namespace audience

#endif  // AUDIENCE_LEAD_H_
