#include "io/json_dom.h"

#include <vector>

#include "io/object_keys.h"
#include "util/str_cat.h"
#include "util/text.h"

namespace audience {

using simdjson::dom::element;
using simdjson::dom::element_type;

std::string DescribeJson(element e) {
  switch (e.type()) {
    case element_type::ARRAY:
      return "an array";
    case element_type::OBJECT:
      return "an object";
    case element_type::INT64:
      return StrCat(e.get_int64().value_unsafe());
    case element_type::UINT64:
      return StrCat(e.get_uint64().value_unsafe());
    case element_type::DOUBLE:
      return FormatDouble(e.get_double().value_unsafe());
    case element_type::STRING:
      return StrCat("string ", Quote(e.get_string().value_unsafe()));
    case element_type::BOOL:
      return e.get_bool().value_unsafe() ? "true" : "false";
    case element_type::NULL_VALUE:
      return "null";
  }
  return "?";
}

absl::Status ExpectedJson(std::string_view path, std::string_view what,
                          element e) {
  return absl::InvalidArgumentError(
      StrCat(path, ": expected ", what, ", got ", DescribeJson(e)));
}

std::optional<element> Member(simdjson::dom::object object,
                              std::string_view key) {
  element e;
  if (object.at_key(key).get(e) != simdjson::SUCCESS || e.is_null()) {
    return std::nullopt;
  }
  return e;
}

absl::StatusOr<std::string> JsonString(element e, std::string_view path) {
  std::string_view s;
  if (e.get_string().get(s)) return ExpectedJson(path, "a string", e);
  return std::string(s);
}

absl::StatusOr<int64_t> JsonInt64(element e, std::string_view path) {
  if (e.type() != element_type::INT64) {
    return ExpectedJson(path, "an integer", e);
  }
  return e.get_int64().value_unsafe();
}

absl::StatusOr<uint64_t> JsonUint64(element e, std::string_view path) {
  if (e.type() == element_type::UINT64) return e.get_uint64().value_unsafe();
  if (e.type() == element_type::INT64 && e.get_int64().value_unsafe() >= 0) {
    return static_cast<uint64_t>(e.get_int64().value_unsafe());
  }
  return ExpectedJson(path, "a non-negative integer", e);
}

absl::StatusOr<bool> JsonBool(element e, std::string_view path) {
  bool b;
  if (e.get_bool().get(b)) return ExpectedJson(path, "true or false", e);
  return b;
}

absl::StatusOr<simdjson::dom::object> JsonObject(element e,
                                                 std::string_view path) {
  simdjson::dom::object o;
  if (e.get_object().get(o)) return ExpectedJson(path, "an object", e);
  return o;
}

absl::StatusOr<simdjson::dom::array> JsonArray(element e,
                                               std::string_view path) {
  simdjson::dom::array a;
  if (e.get_array().get(a)) return ExpectedJson(path, "an array", e);
  return a;
}

namespace {

// An array or object CheckUniqueKeys has entered and not yet left.
struct OpenValue {
  bool is_object = false;
  simdjson::dom::object::iterator member = {};
  simdjson::dom::object::iterator members_end = {};
  simdjson::dom::array::iterator element = {};
  simdjson::dom::array::iterator elements_end = {};
  size_t index = 0;        // of `element`
  size_t path_length = 0;  // of this value's path
  ObjectKeys keys = {};
};

}  // namespace

absl::Status CheckUniqueKeys(element e) {
  // Depth first with a stack of its own rather than recursion: documents
  // nest up to simdjson's 1024 levels, and sanitizer builds (or a host
  // thread's small stack) must not run out of stack on the way.
  std::vector<OpenValue> open;
  std::string path;
  auto enter = [&](element value) {
    if (value.type() == element_type::OBJECT) {
      const simdjson::dom::object object = value.get_object().value_unsafe();
      OpenValue& o = open.emplace_back();
      o.is_object = true;
      o.member = object.begin();
      o.members_end = object.end();
      o.path_length = path.size();
    } else if (value.type() == element_type::ARRAY) {
      const simdjson::dom::array array = value.get_array().value_unsafe();
      OpenValue& o = open.emplace_back();
      o.element = array.begin();
      o.elements_end = array.end();
      o.path_length = path.size();
    }
  };
  enter(e);
  while (!open.empty()) {
    OpenValue& o = open.back();
    path.resize(o.path_length);
    if (o.is_object) {
      if (!(o.member != o.members_end)) {
        open.pop_back();
        continue;
      }
      const std::string_view key = o.member.key();
      if (!o.keys.Insert(key)) return DuplicateKey(path, key);
      const element value = o.member.value();
      ++o.member;
      if (value.is_object() || value.is_array()) {
        StrAppend(&path, path.empty() ? "" : ".", key);
        enter(value);  // may move `o`
      }
    } else {
      if (!(o.element != o.elements_end)) {
        open.pop_back();
        continue;
      }
      const element value = *o.element;
      const size_t index = o.index++;
      ++o.element;
      if (value.is_object() || value.is_array()) {
        StrAppend(&path, "[", index, "]");
        enter(value);  // may move `o`
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace audience
