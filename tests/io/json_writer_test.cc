// The streaming JSON writer (io/json_writer.h): commas, nesting, escaping,
// numbers; everything it writes must parse back.
#include "io/json_writer.h"

#include <simdjson.h>

#include <cmath>
#include <limits>
#include <string>

#include "testing/test_util.h"

namespace audience::testing {
namespace {

std::string Quoted(std::string_view s) {
  std::string out;
  AppendJsonString(s, &out);
  return out;
}

// Parses `json` as a one-element array and returns the element's string.
std::string ParseBackString(const std::string& quoted) {
  simdjson::dom::parser parser;
  const std::string doc = "[" + quoted + "]";
  simdjson::dom::element e;
  REQUIRE(parser.parse(doc).get(e) == simdjson::SUCCESS);
  std::string_view s;
  REQUIRE(e.at(0).get_string().get(s) == simdjson::SUCCESS);
  return std::string(s);
}

double ParseBackDouble(const std::string& text) {
  simdjson::dom::parser parser;
  simdjson::dom::element e;
  REQUIRE(parser.parse(text).get(e) == simdjson::SUCCESS);
  REQUIRE(e.type() == simdjson::dom::element_type::DOUBLE);
  return e.get_double().value_unsafe();
}

TEST_CASE("JsonWriter separates members and nests", "[io]") {
  JsonWriter w;
  w.BeginObject();
  w.Key("a").BeginArray().Int(1).Int(2).BeginObject().Key("b").Null();
  w.EndObject().BeginArray().EndArray().EndArray();
  w.Key("c").String("x");
  w.Key("d").BeginObject().EndObject();
  w.Key("e").Bool(true).Key("f").Bool(false);
  w.EndObject();
  CHECK(w.str() ==
        R"({"a":[1,2,{"b":null},[]],"c":"x","d":{},"e":true,"f":false})");
  CHECK(w.Take() ==
        R"({"a":[1,2,{"b":null},[]],"c":"x","d":{},"e":true,"f":false})");
}

TEST_CASE("JsonWriter writes top-level scalars and empty containers", "[io]") {
  CHECK(JsonWriter().Int(-5).str() == "-5");
  CHECK(JsonWriter().BeginArray().EndArray().str() == "[]");
  CHECK(JsonWriter().BeginObject().EndObject().str() == "{}");
  JsonWriter nested;
  nested.BeginArray().BeginArray().BeginArray().EndArray().EndArray();
  nested.BeginArray().EndArray().EndArray();
  CHECK(nested.str() == "[[[]],[]]");
}

TEST_CASE("AppendJsonString escapes what JSON requires", "[io]") {
  CHECK(Quoted("") == R"("")");
  CHECK(Quoted("plain") == R"("plain")");
  CHECK(Quoted("a\"b") == R"("a\"b")");
  CHECK(Quoted("a\\b") == R"("a\\b")");
  CHECK(Quoted("\n\r\t") == R"("\n\r\t")");
  CHECK(Quoted(std::string("\0", 1)) == R"("\u0000")");
  CHECK(Quoted("\x01\x1f") == R"("\u0001\u001f")");
  CHECK(Quoted("\x08\x0c") == R"("\u0008\u000c")");
  CHECK(Quoted("\x7f") == "\"\x7f\"");  // DEL needs no escape
  CHECK(Quoted("/") == R"("/")");
  CHECK(Quoted("caf\xC3\xA9 \xF0\x9F\x98\x80") ==
        "\"caf\xC3\xA9 \xF0\x9F\x98\x80\"");
  // Keys are escaped too.
  JsonWriter w;
  w.BeginObject().Key("we\"ird\n").Int(1).EndObject();
  CHECK(w.str() == R"({"we\"ird\n":1})");
}

TEST_CASE("AppendJsonString round-trips every ASCII byte", "[io]") {
  SeededRandom rng(5);
  std::string all;
  for (int c = 0; c < 128; ++c) all.push_back(static_cast<char>(c));
  CHECK(ParseBackString(Quoted(all)) == all);
  for (int i = 0; i < 200; ++i) {
    std::string s;
    for (uint64_t n = rng.Below(20); n > 0; --n) {
      s.push_back(static_cast<char>(rng.Below(128)));
    }
    REQUIRE(ParseBackString(Quoted(s)) == s);
  }
}

TEST_CASE("JsonWriter integers cover their whole range", "[io]") {
  JsonWriter w;
  w.BeginArray();
  w.Int(std::numeric_limits<int64_t>::min()).Int(0);
  w.Int(std::numeric_limits<int64_t>::max());
  w.Uint(std::numeric_limits<uint64_t>::max()).Uint(0);
  w.EndArray();
  CHECK(w.str() ==
        "[-9223372036854775808,0,9223372036854775807,18446744073709551615,0]");
}

TEST_CASE("JsonWriter doubles keep a fraction or exponent", "[io]") {
  auto d = [](double v) { return JsonWriter().Double(v).str(); };
  CHECK(d(1.0) == "1.0");
  CHECK(d(0.0) == "0.0");
  CHECK(d(-3.0) == "-3.0");
  CHECK(d(0.5) == "0.5");
  CHECK(d(-0.25) == "-0.25");
  CHECK(d(1e300).find('e') != std::string::npos);
  CHECK(d(1e-300).find('e') != std::string::npos);
  CHECK(d(std::numeric_limits<double>::quiet_NaN()) == "null");
  CHECK(d(std::numeric_limits<double>::infinity()) == "null");
  CHECK(d(-std::numeric_limits<double>::infinity()) == "null");
  // Non-finite values still take their place among siblings.
  JsonWriter w;
  w.BeginArray().Double(NAN).Double(2).EndArray();
  CHECK(w.str() == "[null,2.0]");
}

TEST_CASE("JsonWriter doubles read back as the same doubles", "[io]") {
  SeededRandom rng(77);
  std::vector<double> values = {1.0,
                                -1.0,
                                0.1,
                                1e21,
                                123456789012345680000.0,
                                1e-7,
                                5e-324,
                                std::numeric_limits<double>::max(),
                                4096.0,
                                1e15,
                                1e16,
                                -0.0};
  for (int i = 0; i < 300; ++i) {
    values.push_back(static_cast<double>(rng.Between(-1000000, 1000000)) /
                     static_cast<double>(rng.Between(1, 1000)));
    values.push_back(static_cast<double>(rng.Between(-1000000, 1000000)));
  }
  for (double v : values) {
    const std::string text = JsonWriter().Double(v).str();
    INFO(v << " -> " << text);
    REQUIRE(ParseBackDouble(text) == v);
  }
}

TEST_CASE("JsonWriter FieldValue writes every value type", "[io]") {
  JsonWriter w;
  w.BeginArray();
  w.FieldValue(Value());
  w.FieldValue(Value(std::string("s\"")));
  w.FieldValue(Value(int64_t{-7}));
  w.FieldValue(Value(2.0));
  w.FieldValue(Value(true));
  w.FieldValue(Value(TagList{"a", "B"}));
  w.FieldValue(Value(TagList{}));
  w.EndArray();
  CHECK(w.str() == R"([null,"s\"",-7,2.0,true,["a","B"],[]])");
}

TEST_CASE("JsonWriter OperandValue writes every operand type", "[io]") {
  JsonWriter w;
  w.BeginArray();
  w.OperandValue(Operand());
  w.OperandValue(Operand(false));
  w.OperandValue(Operand(int64_t{3}));
  w.OperandValue(Operand(0.5));
  w.OperandValue(Operand(std::string("US")));
  w.OperandValue(
      Operand(std::vector<Scalar>{Scalar(), Scalar(true), Scalar(int64_t{1}),
                                  Scalar(1.0), Scalar(std::string("x"))}));
  w.OperandValue(Operand(Duration{90, Duration::Unit::kDays}));
  w.OperandValue(Operand(Duration{6, Duration::Unit::kHours}));
  w.EndArray();
  CHECK(
      w.str() ==
      R"([null,false,3,0.5,"US",[null,true,1,1.0,"x"],{"days":90},{"hours":6}])");
}

}  // namespace
}  // namespace audience::testing
