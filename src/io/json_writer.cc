#include "io/json_writer.h"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace audience {

void AppendJsonString(std::string_view s, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  for (char c : s) {
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out->append("\\u00");
          out->push_back(kHex[(c >> 4) & 0xF]);
          out->push_back(kHex[c & 0xF]);
        } else {
          out->push_back(c);
        }
    }
  }
  out->push_back('"');
}

void JsonWriter::Separate() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!has_element_.empty()) {
    if (has_element_.back()) out_.push_back(',');
    has_element_.back() = true;
  }
}

JsonWriter& JsonWriter::BeginObject() {
  Separate();
  out_.push_back('{');
  has_element_.push_back(false);
  return *this;
}

JsonWriter& JsonWriter::EndObject() {
  out_.push_back('}');
  has_element_.pop_back();
  return *this;
}

JsonWriter& JsonWriter::BeginArray() {
  Separate();
  out_.push_back('[');
  has_element_.push_back(false);
  return *this;
}

JsonWriter& JsonWriter::EndArray() {
  out_.push_back(']');
  has_element_.pop_back();
  return *this;
}

JsonWriter& JsonWriter::Key(std::string_view key) {
  Separate();
  AppendJsonString(key, &out_);
  out_.push_back(':');
  after_key_ = true;
  return *this;
}

JsonWriter& JsonWriter::String(std::string_view s) {
  Separate();
  AppendJsonString(s, &out_);
  return *this;
}

JsonWriter& JsonWriter::OptionalInt(std::optional<int64_t> v) {
  return v ? Int(*v) : Null();
}

JsonWriter& JsonWriter::OptionalUint(std::optional<uint64_t> v) {
  return v ? Uint(*v) : Null();
}

JsonWriter& JsonWriter::Int(int64_t v) {
  Separate();
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof(buf), v);
  out_.append(buf, r.ptr);
  return *this;
}

JsonWriter& JsonWriter::Uint(uint64_t v) {
  Separate();
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof(buf), v);
  out_.append(buf, r.ptr);
  return *this;
}

JsonWriter& JsonWriter::Double(double v) {
  if (!std::isfinite(v)) return Null();
  Separate();
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof(buf), v);
  std::string_view text(buf, r.ptr - buf);
  out_.append(text);
  if (text.find_first_of(".e") == std::string_view::npos) out_.append(".0");
  return *this;
}

JsonWriter& JsonWriter::Bool(bool v) {
  Separate();
  out_.append(v ? "true" : "false");
  return *this;
}

JsonWriter& JsonWriter::Null() {
  Separate();
  out_.append("null");
  return *this;
}

JsonWriter& JsonWriter::Raw(std::string_view json) {
  Separate();
  out_.append(json);
  return *this;
}

JsonWriter& JsonWriter::FieldValue(const Value& v) {
  switch (v.index()) {
    case 1:
      return String(std::get<std::string>(v));
    case 2:
      return Int(std::get<int64_t>(v));
    case 3:
      return Double(std::get<double>(v));
    case 4:
      return Bool(std::get<bool>(v));
    case 5:
      BeginArray();
      for (const std::string& tag : std::get<TagList>(v)) String(tag);
      return EndArray();
  }
  return Null();
}

JsonWriter& JsonWriter::OperandValue(const Operand& v) {
  auto scalar = [this](const Scalar& s) -> JsonWriter& {
    switch (s.index()) {
      case 1:
        return Bool(std::get<bool>(s));
      case 2:
        return Int(std::get<int64_t>(s));
      case 3:
        return Double(std::get<double>(s));
      case 4:
        return String(std::get<std::string>(s));
    }
    return Null();
  };
  switch (v.index()) {
    case 1:
      return Bool(std::get<bool>(v));
    case 2:
      return Int(std::get<int64_t>(v));
    case 3:
      return Double(std::get<double>(v));
    case 4:
      return String(std::get<std::string>(v));
    case 5:
      BeginArray();
      for (const Scalar& s : std::get<std::vector<Scalar>>(v)) scalar(s);
      return EndArray();
    case 6: {
      const Duration& d = std::get<Duration>(v);
      BeginObject();
      Key(d.unit == Duration::Unit::kDays ? "days" : "hours");
      Int(d.amount);
      return EndObject();
    }
  }
  return Null();
}

}  // namespace audience
