#include "io/lead_json.h"

#include <cmath>

#include "io/ndjson.h"
#include "store/lead_record.h"
#include "util/status_macros.h"
#include "util/str_cat.h"
#include "util/text.h"

namespace audience {

namespace {

using simdjson::ondemand::json_type;
using simdjson::ondemand::number_type;
using simdjson::ondemand::value;

// A JSON value's kind for "got ..." in messages.
std::string Got(value& v) {
  json_type type;
  if (v.type().get(type)) return "malformed JSON";
  switch (type) {
    case json_type::array:
      return "an array";
    case json_type::object:
      return "an object";
    case json_type::number: {
      std::string_view raw = v.raw_json_token();
      while (!raw.empty() && (raw.back() == ' ' || raw.back() == '\n' ||
                              raw.back() == '\t' || raw.back() == '\r')) {
        raw.remove_suffix(1);
      }
      return std::string(raw);
    }
    case json_type::string: {
      std::string_view s;
      if (v.get_string().get(s)) return "a string";
      return StrCat("string ", Quote(s));
    }
    case json_type::boolean:
      return "a boolean";
    case json_type::null:
      return "null";
  }
  return "?";
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
  json_type type;
  if (auto error = v.type().get(type)) return MalformedJson(error);
  if (type == json_type::null) return std::monostate{};
  switch (field.type) {
    case FieldType::kString:
    case FieldType::kKeyword: {
      if (type != json_type::string) break;
      std::string_view s;
      if (auto error = v.get_string().get(s)) return MalformedJson(error);
      return s;
    }
    case FieldType::kInt64:
    case FieldType::kTimestamp: {
      if (type != json_type::number) break;
      number_type kind;
      if (auto error = v.get_number_type().get(kind))
        return MalformedJson(error);
      if (kind != number_type::signed_integer) break;  // 10.5, 1e3, > int64
      int64_t i;
      if (auto error = v.get_int64().get(i)) return MalformedJson(error);
      return i;
    }
    case FieldType::kDouble: {
      if (type != json_type::number) break;
      double d;
      if (auto error = v.get_double().get(d)) return MalformedJson(error);
      return d;
    }
    case FieldType::kBool: {
      if (type != json_type::boolean) break;
      bool b;
      if (auto error = v.get_bool().get(b)) return MalformedJson(error);
      return b;
    }
    case FieldType::kTags: {
      if (type != json_type::array) break;
      simdjson::ondemand::array array;
      if (auto error = v.get_array().get(array)) return MalformedJson(error);
      TagInput tags;
      for (auto element : array) {
        value tag;
        if (auto error = element.get(tag)) return MalformedJson(error);
        json_type tag_type;
        if (auto error = tag.type().get(tag_type)) return MalformedJson(error);
        std::string_view s;
        if (tag_type == json_type::string) {
          if (auto error = tag.get_string().get(s)) return MalformedJson(error);
        } else {
          return TypeMismatch(field, StrCat("an array holding ", Got(tag)));
        }
        tags.push_back(s);
      }
      return tags;
    }
  }
  return TypeMismatch(field, Got(v));
}

absl::StatusOr<uint64_t> ReadLeadId(value& v, std::string_view key) {
  number_type type;
  uint64_t id;
  if (v.get_number_type().get(type) ||
      type == number_type::floating_point_number || v.get_uint64().get(id)) {
    return absl::InvalidArgumentError(
        StrCat("\"", key, "\" must be a non-negative integer, got ", Got(v)));
  }
  return id;
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
      ASSIGN_OR_RETURN(record->id, ReadLeadId(v, "id"));
      has_id = true;
      continue;
    }
    const FieldDefinition& field = schema.field(*id);
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
  for (auto member : object) {
    std::string_view key;
    if (auto error = member.unescaped_key().get(key))
      return MalformedJson(error);
    value v;
    if (auto error = member.value().get(v)) return MalformedJson(error);
    if (key == "lead") {
      ASSIGN_OR_RETURN(event->lead, ReadLeadId(v, "lead"));
      has_lead = true;
    } else if (key == "type") {
      std::string_view type;
      if (v.get_string().get(type)) {
        return absl::InvalidArgumentError(
            StrCat("\"type\" must be a string, got ", Got(v)));
      }
      event->type = std::string(type);
      has_type = true;
    } else if (key == "object" || key == "ts") {
      bool is_null = false;
      if (v.is_null().get(is_null) == simdjson::SUCCESS && is_null) {
        (key == "ts" ? event->ts : event->object) = std::nullopt;
        continue;
      }
      std::optional<int64_t> i = ReadInt64(v);
      if (!i) {
        return absl::InvalidArgumentError(
            StrCat("\"", key, "\" must be an integer, got ", Got(v)));
      }
      (key == "ts" ? event->ts : event->object) = *i;
    }
  }
  RETURN_IF_ERROR(CheckFullyRead(doc));
  if (!has_lead) return absl::InvalidArgumentError("missing \"lead\"");
  if (!has_type) return absl::InvalidArgumentError("missing \"type\"");
  return absl::OkStatus();
}

}  // namespace audience
