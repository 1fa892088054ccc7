#include "io/lead_json.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "io/ndjson.h"
#include "io/object_keys.h"
#include "store/lead_record.h"
#include "util/status_macros.h"
#include "util/str_cat.h"
#include "util/text.h"

namespace audience {

namespace {

using simdjson::ondemand::json_type;
using simdjson::ondemand::number_type;
using simdjson::ondemand::value;

// The deepest a value may lie in a line, the line's object being at depth 1
// and a value inside an array or object one deeper than it: the default
// limit of simdjson's DOM parser, which the protocol uses (it counts
// scalars and empty arrays alike). It also bounds ReadWhole's stack.
constexpr int kMaxDepth = 1024;
// The depth of a value of the line's object.
constexpr int kMemberDepth = 2;

// INVALID_ARGUMENT for malformed JSON in the value of `key` (a field name,
// or the path of a value inside it).
absl::Status MalformedValue(std::string_view key, simdjson::error_code error) {
  return absl::InvalidArgumentError(StrCat("malformed JSON in ", Quote(key),
                                           " (", simdjson::error_message(error),
                                           ")"));
}

// A value type() calls null: type() looks at the first byte only, so `nul`
// and `nope` must be refused here. is_null() answers INCORRECT_TYPE for
// them; N_ATOM_ERROR says what is wrong.
simdjson::error_code ReadNull(value& v) {
  bool is_null = false;
  if (v.is_null().get(is_null) != simdjson::SUCCESS || !is_null) {
    return simdjson::N_ATOM_ERROR;
  }
  return simdjson::SUCCESS;
}

// A number the DOM parser (the protocol's) would accept: an integer must
// fit int64 or uint64 (On Demand otherwise reads it as a double), any other
// number a finite double.
simdjson::error_code ReadNumber(value& v) {
  number_type kind;
  if (auto error = v.get_number_type().get(kind)) return error;
  if (kind == number_type::signed_integer) {
    int64_t i;
    return v.get_int64().get(i);
  }
  if (kind == number_type::unsigned_integer) {
    uint64_t u;
    return v.get_uint64().get(u);
  }
  double d;
  return v.get_double().get(d);
}

// An array or object ReadWhole has entered and not yet left.
struct OpenValue {
  bool is_object = false;
  bool started = false;  // its first element or member was read
  simdjson::ondemand::object_iterator member = {};
  simdjson::ondemand::object_iterator members_end = {};
  simdjson::ondemand::array_iterator element = {};
  simdjson::ondemand::array_iterator elements_end = {};
  size_t index = 0;        // of the element read last
  size_t path_length = 0;  // of this value's path
  ObjectKeys keys = {};
};

// Reads a value to its end, checking that it is valid JSON: On Demand
// validates only what it reads, so a value the caller has no use for (an
// ignored key, a mistyped field) would otherwise pass unchecked. Objects
// inside must not repeat a key. `path` names the value, for errors. `depth`
// is the value's depth (the line's object is 1).
absl::Status ReadWhole(value& v, std::string_view path_to_value, int depth) {
  // Depth first with a stack of its own rather than recursion: values nest
  // up to kMaxDepth, and On Demand frames are large in sanitizer builds.
  std::vector<OpenValue> open;
  std::string path(path_to_value);
  // Reads a scalar, or enters an array or object (pushed on `open`).
  auto read = [&](value& item) -> absl::Status {
    if (depth + static_cast<int>(open.size()) > kMaxDepth) {
      return MalformedValue(path, simdjson::DEPTH_ERROR);
    }
    json_type type;
    if (auto error = item.type().get(type)) return MalformedValue(path, error);
    switch (type) {
      case json_type::array: {
        simdjson::ondemand::array array;
        if (auto error = item.get_array().get(array)) {
          return MalformedValue(path, error);
        }
        OpenValue& o = open.emplace_back();
        o.path_length = path.size();
        if (auto error = array.begin().get(o.element)) {
          return MalformedValue(path, error);
        }
        if (auto error = array.end().get(o.elements_end)) {
          return MalformedValue(path, error);
        }
        return absl::OkStatus();
      }
      case json_type::object: {
        simdjson::ondemand::object object;
        if (auto error = item.get_object().get(object)) {
          return MalformedValue(path, error);
        }
        OpenValue& o = open.emplace_back();
        o.is_object = true;
        o.path_length = path.size();
        if (auto error = object.begin().get(o.member)) {
          return MalformedValue(path, error);
        }
        if (auto error = object.end().get(o.members_end)) {
          return MalformedValue(path, error);
        }
        return absl::OkStatus();
      }
      case json_type::number:
        if (auto error = ReadNumber(item)) return MalformedValue(path, error);
        return absl::OkStatus();
      case json_type::string: {
        std::string_view s;
        if (auto error = item.get_string().get(s)) {
          return MalformedValue(path, error);
        }
        return absl::OkStatus();
      }
      case json_type::boolean: {
        bool b;
        if (auto error = item.get_bool().get(b)) {
          return MalformedValue(path, error);
        }
        return absl::OkStatus();
      }
      case json_type::null:
        if (auto error = ReadNull(item)) return MalformedValue(path, error);
        return absl::OkStatus();
    }
    return absl::OkStatus();
  };
  RETURN_IF_ERROR(read(v));
  // As a range-for over each open value: advance past the element read
  // last (now read to its end), stop at the end, read the next one.
  while (!open.empty()) {
    OpenValue& o = open.back();
    path.resize(o.path_length);
    value item;
    if (o.is_object) {
      if (o.started) ++o.member;
      o.started = true;
      if (!(o.member != o.members_end)) {
        open.pop_back();
        continue;
      }
      simdjson::ondemand::field member;
      if (auto error = (*o.member).get(member)) {
        return MalformedValue(path, error);
      }
      std::string_view key;
      if (auto error = member.unescaped_key().get(key)) {
        return MalformedValue(path, error);
      }
      if (!o.keys.Insert(key)) return DuplicateKey(path, key);
      StrAppend(&path, ".", key);
      item = member.value();
    } else {
      if (o.started) ++o.element;
      o.started = true;
      if (!(o.element != o.elements_end)) {
        open.pop_back();
        continue;
      }
      if (auto error = (*o.element).get(item)) {
        return MalformedValue(path, error);
      }
      StrAppend(&path, "[", o.index++, "]");
    }
    RETURN_IF_ERROR(read(item));  // may move `o`
  }
  return absl::OkStatus();
}

// A JSON value's kind for "got ..." in messages, after checking that it is
// valid JSON (ReadWhole): a mistyped value may be malformed too, and that is
// the error to report. Consumes `v`.
absl::StatusOr<std::string> Got(value& v, std::string_view key,
                                int depth = kMemberDepth) {
  json_type type;
  if (auto error = v.type().get(type)) return MalformedValue(key, error);
  if (type == json_type::number) {
    // The number as written; raw_json_token does not consume it.
    std::string_view raw = v.raw_json_token();
    while (!raw.empty() && (raw.back() == ' ' || raw.back() == '\n' ||
                            raw.back() == '\t' || raw.back() == '\r')) {
      raw.remove_suffix(1);
    }
    std::string out(raw);
    RETURN_IF_ERROR(ReadWhole(v, key, depth));
    return out;
  }
  if (type == json_type::string) {
    std::string_view s;
    if (auto error = v.get_string().get(s)) return MalformedValue(key, error);
    return StrCat("string ", Quote(s));
  }
  RETURN_IF_ERROR(ReadWhole(v, key, depth));
  switch (type) {
    case json_type::array:
      return "an array";
    case json_type::object:
      return "an object";
    case json_type::boolean:
      return "a boolean";
    case json_type::null:
      return "null";
    default:
      return "?";
  }
}

// An int64 from a JSON integer (not 10.0, not beyond int64).
std::optional<int64_t> ReadInt64(value& v) {
  number_type type;
  if (v.get_number_type().get(type) || type != number_type::signed_integer) {
    return std::nullopt;
  }
  int64_t out;
  if (v.get_int64().get(out)) return std::nullopt;
  return out;
}

absl::StatusOr<FieldInput> ReadField(value& v, const FieldDefinition& field) {
  const std::string_view name = field.name;
  json_type type;
  if (auto error = v.type().get(type)) return MalformedValue(name, error);
  if (type == json_type::null) {
    if (auto error = ReadNull(v)) return MalformedValue(name, error);
    return std::monostate{};
  }
  switch (field.type) {
    case FieldType::kString:
    case FieldType::kKeyword: {
      if (type != json_type::string) break;
      std::string_view s;
      if (auto error = v.get_string().get(s)) {
        return MalformedValue(name, error);
      }
      return s;
    }
    case FieldType::kInt64:
    case FieldType::kTimestamp: {
      if (type != json_type::number) break;
      number_type kind;
      if (auto error = v.get_number_type().get(kind)) {
        return MalformedValue(name, error);
      }
      if (kind != number_type::signed_integer) break;  // 10.5, 1e3, > int64
      int64_t i;
      if (auto error = v.get_int64().get(i)) return MalformedValue(name, error);
      return i;
    }
    case FieldType::kDouble: {
      if (type != json_type::number) break;
      number_type kind;
      if (auto error = v.get_number_type().get(kind)) {
        return MalformedValue(name, error);
      }
      if (kind == number_type::signed_integer) {
        // As the protocol converts an integer: exactly like an int64.
        int64_t i;
        if (auto error = v.get_int64().get(i)) {
          return MalformedValue(name, error);
        }
        return static_cast<double>(i);
      }
      if (kind == number_type::unsigned_integer) {
        // Integers beyond int64 are out of range for every field, in the
        // protocol too (docs/decisions.md).
        ASSIGN_OR_RETURN(std::string got, Got(v, name));
        return absl::InvalidArgumentError(StrCat(
            "field ", Quote(name), ": number ", got, " is out of range"));
      }
      double d;
      if (auto error = v.get_double().get(d)) {
        return MalformedValue(name, error);
      }
      return d;
    }
    case FieldType::kBool: {
      if (type != json_type::boolean) break;
      bool b;
      if (auto error = v.get_bool().get(b)) return MalformedValue(name, error);
      return b;
    }
    case FieldType::kTags: {
      if (type != json_type::array) break;
      simdjson::ondemand::array array;
      if (auto error = v.get_array().get(array)) {
        return MalformedValue(name, error);
      }
      TagInput tags;
      for (auto element : array) {
        value tag;
        if (auto error = element.get(tag)) return MalformedValue(name, error);
        json_type tag_type;
        if (auto error = tag.type().get(tag_type)) {
          return MalformedValue(name, error);
        }
        if (tag_type != json_type::string) {
          ASSIGN_OR_RETURN(std::string got, Got(tag, name, kMemberDepth + 1));
          return TypeMismatch(field, StrCat("an array holding ", got));
        }
        std::string_view s;
        if (auto error = tag.get_string().get(s)) {
          return MalformedValue(name, error);
        }
        tags.push_back(s);
      }
      return tags;
    }
  }
  ASSIGN_OR_RETURN(std::string got, Got(v, name));
  return TypeMismatch(field, got);
}

// A lead id: any JSON integer from 0 to 2^64-1, `-0` included, as the
// protocol reads ids (docs/decisions.md).
absl::StatusOr<uint64_t> ReadLeadId(value& v, std::string_view key) {
  number_type type;
  if (v.get_number_type().get(type) == simdjson::SUCCESS) {
    if (type == number_type::unsigned_integer) {
      uint64_t id;
      if (v.get_uint64().get(id) == simdjson::SUCCESS) return id;
    } else if (type == number_type::signed_integer) {
      int64_t id;
      if (v.get_int64().get(id) == simdjson::SUCCESS && id >= 0) {
        return static_cast<uint64_t>(id);
      }
    }
  }
  // Not an id: malformed (Got says so) or another value.
  ASSIGN_OR_RETURN(std::string got, Got(v, key));
  return absl::InvalidArgumentError(
      StrCat(Quote(key), " must be a non-negative integer, got ", got));
}

// The document as an object: a valid non-object is "must be an object",
// anything else is a syntax error.
absl::Status GetObject(simdjson::ondemand::document& doc, std::string_view what,
                       simdjson::ondemand::object* object) {
  simdjson::ondemand::json_type type;
  if (auto error = doc.type().get(type)) return MalformedJson(error);
  if (type != simdjson::ondemand::json_type::object) {
    return absl::InvalidArgumentError(StrCat(what, " must be a JSON object"));
  }
  if (auto error = doc.get_object().get(*object)) return MalformedJson(error);
  return absl::OkStatus();
}

// On Demand reads lazily: after the object, anything left is an error.
absl::Status CheckFullyRead(simdjson::ondemand::document& doc) {
  const char* rest;
  if (doc.current_location().get(rest) == simdjson::SUCCESS) {
    return absl::InvalidArgumentError("malformed JSON (trailing content)");
  }
  return absl::OkStatus();
}

}  // namespace

std::optional<FieldId> LeadJsonParser::CachedField(
    size_t position, simdjson::ondemand::raw_json_string key) const {
  // An empty cached key is a slot never filled (no field has that name).
  if (position >= key_cache_.size() || key_cache_[position].first.empty()) {
    return std::nullopt;
  }
  // The cached key holds no quote (Remember checks), as unsafe_is_equal
  // requires; an escaped raw key simply misses.
  if (!key.unsafe_is_equal(key_cache_[position].first)) return std::nullopt;
  return key_cache_[position].second;
}

void LeadJsonParser::Remember(size_t position, std::string_view key,
                              FieldId id) {
  if (position >= 64 || key.find('"') != std::string_view::npos) return;
  if (position >= key_cache_.size()) key_cache_.resize(position + 1);
  key_cache_[position] = {std::string(key), id};
}

absl::Status LeadJsonParser::ParseLead(simdjson::padded_string_view json,
                                       const Schema& schema,
                                       LeadRecord* record) {
  record->fields.clear();
  // Fields are only ever added, so the cache stays valid while the schema
  // keeps its size.
  if (cached_schema_ != &schema || cached_schema_size_ != schema.size()) {
    key_cache_.clear();
    cached_schema_ = &schema;
    cached_schema_size_ = schema.size();
  }
  simdjson::ondemand::document doc;
  if (auto error = parser_.iterate(json).get(doc)) return MalformedJson(error);
  simdjson::ondemand::object object;
  RETURN_IF_ERROR(GetObject(doc, "a lead", &object));
  bool has_id = false;
  size_t position = 0;
  // A field seen on this line has seen_[field] == line_; the "id" key is
  // has_id.
  if (seen_.size() < schema.size()) seen_.resize(schema.size(), 0);
  if (++line_ == 0) {  // wrapped: forget every mark
    std::fill(seen_.begin(), seen_.end(), 0);
    line_ = 1;
  }
  for (auto result : object) {
    simdjson::ondemand::field member;
    if (auto error = std::move(result).get(member)) return MalformedJson(error);
    // Most lines repeat the previous line's keys: compare the raw key with
    // the one cached for this position before unescaping anything.
    std::optional<FieldId> id = CachedField(position, member.key());
    if (!id) {
      std::string_view key;
      if (auto error = member.unescaped_key().get(key)) {
        return MalformedJson(error);
      }
      if (key == "id") {
        id = kIdField;
      } else {
        ASSIGN_OR_RETURN(id, FindLeadField(schema, key));
      }
      Remember(position, key, *id);
    }
    ++position;
    value v = member.value();
    if (*id == kIdField) {
      if (has_id) return DuplicateKey("", "id");
      ASSIGN_OR_RETURN(record->id, ReadLeadId(v, "id"));
      has_id = true;
      continue;
    }
    const FieldDefinition& field = schema.field(*id);
    if (seen_[*id] == line_) return DuplicateKey("", field.name);
    seen_[*id] = line_;
    ASSIGN_OR_RETURN(FieldInput input, ReadField(v, field));
    RETURN_IF_ERROR(CheckLimits(field, input));
    record->fields.emplace_back(*id, std::move(input));
  }
  RETURN_IF_ERROR(CheckFullyRead(doc));
  if (!has_id) return absl::InvalidArgumentError("missing \"id\"");
  return absl::OkStatus();
}

absl::Status LeadJsonParser::ParseEvent(simdjson::padded_string_view json,
                                        Event* event) {
  *event = Event{};
  simdjson::ondemand::document doc;
  if (auto error = parser_.iterate(json).get(doc)) return MalformedJson(error);
  simdjson::ondemand::object object;
  RETURN_IF_ERROR(GetObject(doc, "an event", &object));
  bool has_lead = false;
  bool has_type = false;
  ObjectKeys keys;
  for (auto member : object) {
    std::string_view key;
    if (auto error = member.unescaped_key().get(key)) {
      return MalformedJson(error);
    }
    if (!keys.Insert(key)) return DuplicateKey("", key);
    value v;
    if (auto error = member.value().get(v)) return MalformedValue(key, error);
    if (key == "lead") {
      ASSIGN_OR_RETURN(event->lead, ReadLeadId(v, "lead"));
      has_lead = true;
    } else if (key == "type") {
      std::string_view type;
      if (v.get_string().get(type)) {
        ASSIGN_OR_RETURN(std::string got, Got(v, key));
        return absl::InvalidArgumentError(
            StrCat("\"type\" must be a string, got ", got));
      }
      event->type = std::string(type);
      has_type = true;
    } else if (key == "object" || key == "ts") {
      std::optional<int64_t>& out = key == "ts" ? event->ts : event->object;
      json_type type;
      if (auto error = v.type().get(type)) return MalformedValue(key, error);
      if (type == json_type::null) {
        if (auto error = ReadNull(v)) return MalformedValue(key, error);
        out = std::nullopt;
        continue;
      }
      out = ReadInt64(v);
      if (!out) {
        ASSIGN_OR_RETURN(std::string got, Got(v, key));
        return absl::InvalidArgumentError(
            StrCat(Quote(key), " must be an integer, got ", got));
      }
    } else {
      // Ignored, but it must be valid JSON like the rest of the line.
      RETURN_IF_ERROR(ReadWhole(v, key, kMemberDepth));
    }
  }
  RETURN_IF_ERROR(CheckFullyRead(doc));
  if (!has_lead) return absl::InvalidArgumentError("missing \"lead\"");
  if (!has_type) return absl::InvalidArgumentError("missing \"type\"");
  return absl::OkStatus();
}

}  // namespace audience
