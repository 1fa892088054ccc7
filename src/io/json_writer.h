// A small streaming JSON writer for protocol responses and exports.
// Commas and nesting are tracked, so callers only say what comes next.
#ifndef AUDIENCE_IO_JSON_WRITER_H_
#define AUDIENCE_IO_JSON_WRITER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "audience/filter.h"
#include "audience/lead.h"

namespace audience {

class JsonWriter {
 public:
  JsonWriter& BeginObject();
  JsonWriter& EndObject();
  JsonWriter& BeginArray();
  JsonWriter& EndArray();
  JsonWriter& Key(std::string_view key);

  JsonWriter& String(std::string_view s);
  JsonWriter& Int(int64_t v);
  JsonWriter& Uint(uint64_t v);
  // The value, or null when absent.
  JsonWriter& OptionalInt(std::optional<int64_t> v);
  JsonWriter& OptionalUint(std::optional<uint64_t> v);
  // Integral values keep a ".0" so they read back as doubles; non-finite
  // values have no JSON form and are written as null.
  JsonWriter& Double(double v);
  JsonWriter& Bool(bool v);
  JsonWriter& Null();
  // One value already in JSON form, written as it is. REQUIRES: `json` is
  // exactly one well-formed JSON value.
  JsonWriter& Raw(std::string_view json);
  JsonWriter& FieldValue(const Value& v);
  JsonWriter& OperandValue(const Operand& v);

  const std::string& str() const { return out_; }
  std::string Take() { return std::move(out_); }

 private:
  void Separate();

  std::string out_;
  // Per open container: whether it has an element yet.
  std::vector<bool> has_element_;
  bool after_key_ = false;
};

// Appends `s` as a JSON string literal, quotes included.
void AppendJsonString(std::string_view s, std::string* out);

}  // namespace audience

#endif  // AUDIENCE_IO_JSON_WRITER_H_
