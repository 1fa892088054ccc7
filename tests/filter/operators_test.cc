// Every field operator of design.md §2 on every field type it applies to,
// standard and custom fields alike: a matching value, a non-matching value,
// empty values (absent, "", []), ASCII case folding for text, and number
// boundaries. SegmentProbe checks each answer on every evaluation path.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "testing/segment_probe.h"
#include "testing/test_util.h"
#include "util/text.h"

namespace audience::testing {
namespace {

constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

TEST_CASE("string operators fold ASCII case and never match empty values",
          "[filter]") {
  const std::string field = GENERATE(std::string("email"), std::string("bio"));
  INFO("field " << field);
  SegmentProbe probe;
  probe.Field("bio", FieldType::kString)
      .Lead(1, {{field, Str("Alice@Example.com")}})
      .Lead(2, {{field, Str("bob@test.org")}})
      .Lead(3, {{field, Str("")}})
      .Lead(4)
      .Lead(5, {{field, Str("carol@EXAMPLE.COM")}});

  CHECK(probe.Matching(F(field, Op::kEq, "alice@example.com")) == Ids({1}));
  CHECK(probe.Matching(F(field, Op::kEq, "ALICE@EXAMPLE.COM")) == Ids({1}));
  CHECK(probe.Matching(F(field, Op::kEq, "alice")).empty());
  CHECK(probe.Matching(F(field, Op::kNeq, "alice@EXAMPLE.com")) ==
        Ids({2, 3, 4, 5}));
  CHECK(probe.Matching(F(field, Op::kNeq, "nobody")) == probe.All());

  CHECK(probe.Matching(F(field, Op::kIn, List({"BOB@TEST.ORG", "x"}))) ==
        Ids({2}));
  CHECK(probe.Matching(F(field, Op::kIn, List({"nope", "none"}))).empty());
  CHECK(probe.Matching(F(field, Op::kNotIn,
                         List({"bob@test.org", "alice@example.com"}))) ==
        Ids({3, 4, 5}));

  CHECK(probe.Matching(F(field, Op::kContains, "EXAMPLE.c")) == Ids({1, 5}));
  CHECK(probe.Matching(F(field, Op::kContains, "zzz")).empty());
  CHECK(probe.Matching(F(field, Op::kNotContains, "example")) ==
        Ids({2, 3, 4}));
  CHECK(probe.Matching(F(field, Op::kNotContains, "zzz")) == probe.All());

  CHECK(probe.Matching(F(field, Op::kStartsWith, "ALI")) == Ids({1}));
  CHECK(probe.Matching(F(field, Op::kStartsWith, "example")).empty());
  CHECK(probe.Matching(F(field, Op::kEndsWith, ".ORG")) == Ids({2}));
  CHECK(probe.Matching(F(field, Op::kEndsWith, "alice")).empty());
  // A needle longer than the value.
  CHECK(probe.Matching(F(field, Op::kStartsWith, "bob@test.org.uk")).empty());

  CHECK(probe.Matching(F(field, Op::kEmpty)) == Ids({3, 4}));
  CHECK(probe.Matching(F(field, Op::kNotEmpty)) == Ids({1, 2, 5}));
}

// The naive meaning of a positive string operator: ASCII-folded byte
// comparison; an empty value never matches.
bool NaiveStringMatch(Op op, std::string value, std::string needle) {
  if (value.empty()) return false;
  for (char& c : value) c = FoldChar(c);
  for (char& c : needle) c = FoldChar(c);
  switch (op) {
    case Op::kEq:
      return value == needle;
    case Op::kContains:
      return value.find(needle) != std::string::npos;
    case Op::kStartsWith:
      return value.starts_with(needle);
    case Op::kEndsWith:
      return value.ends_with(needle);
    default:
      FAIL("not a positive string operator");
  }
  return false;
}

// Short random text over a few letters in both cases, a multi-byte letter
// and NUL: the lengths around the 4-byte prefix and suffix words matter.
std::string RandomText(SeededRandom& rng, int max_pieces) {
  static const std::vector<std::string> kPieces = {
      "a", "A", "b", "B", "c", "\xC3\xA9", std::string(1, '\0')};
  std::string out;
  const int n = static_cast<int>(rng.Below(max_pieces + 1));
  for (int i = 0; i < n; ++i) out += rng.Pick(kPieces);
  return out;
}

TEST_CASE("string operators agree with a naive matcher on short values",
          "[filter]") {
  SeededRandom rng(GENERATE(1u, 2u, 3u));
  INFO("seed " << rng.seed());
  std::vector<Lead> leads;
  for (LeadId id = 0; id < 300; ++id) {
    leads.push_back(Lead{id, {{"email", Str(RandomText(rng, 9))}}});
  }
  struct Probe {
    Op op;
    std::vector<std::string> needles;
  };
  std::vector<Probe> probes;
  for (Op op : {Op::kEq, Op::kNeq, Op::kContains, Op::kNotContains,
                Op::kStartsWith, Op::kEndsWith}) {
    for (int i = 0; i < 8; ++i) {
      // Needles taken from stored values hit often; random ones rarely.
      std::string needle =
          rng.Chance(0.5)
              ? std::get<std::string>(rng.Pick(leads).fields.at("email"))
              : RandomText(rng, 5);
      if (op != Op::kEq && op != Op::kNeq && needle.size() > 2 &&
          rng.Chance(0.5)) {
        needle = needle.substr(rng.Below(2), needle.size() - 2);
      }
      probes.push_back({op, {needle}});
    }
  }
  for (Op op : {Op::kIn, Op::kNotIn}) {
    for (int i = 0; i < 6; ++i) {
      probes.push_back(
          {op,
           {std::get<std::string>(rng.Pick(leads).fields.at("email")),
            RandomText(rng, 4), RandomText(rng, 6)}});
    }
  }
  auto expected_members = [&](const Probe& p) {
    const bool negate =
        p.op == Op::kNeq || p.op == Op::kNotContains || p.op == Op::kNotIn;
    const Op positive =
        p.op == Op::kNeq || p.op == Op::kIn || p.op == Op::kNotIn ? Op::kEq
        : p.op == Op::kNotContains ? Op::kContains
                                   : p.op;
    std::vector<LeadId> out;
    for (const Lead& lead : leads) {
      const std::string& value = std::get<std::string>(lead.fields.at("email"));
      bool match = false;
      for (const std::string& n : p.needles) {
        match = match || NaiveStringMatch(positive, value, n);
      }
      if (match != negate) out.push_back(lead.id);
    }
    return out;
  };
  auto condition = [](const Probe& p) {
    if (p.op == Op::kIn || p.op == Op::kNotIn) {
      return F("email", p.op,
               std::vector<Scalar>(p.needles.begin(), p.needles.end()));
    }
    return F("email", p.op, p.needles[0]);
  };

  // Set-at-a-time: previews over the loaded leads.
  auto loaded = OpenEngine(kProbeNow);
  for (const Lead& lead : leads) REQUIRE_OK(loaded->UpsertLead(lead));
  // Point evaluation: segments first, then the leads arrive.
  auto incremental = OpenEngine(kProbeNow);
  std::vector<SegmentId> segments;
  for (size_t i = 0; i < probes.size(); ++i) {
    segments.push_back(MakeSegment(
        *incremental, Def("p" + std::to_string(i), {condition(probes[i])})));
  }
  for (const Lead& lead : leads) REQUIRE_OK(incremental->UpsertLead(lead));

  for (size_t i = 0; i < probes.size(); ++i) {
    INFO("probe " << i << ": " << OpName(probes[i].op) << " \""
                  << probes[i].needles[0] << "\" ("
                  << probes[i].needles[0].size() << " bytes)");
    const std::vector<LeadId> expected = expected_members(probes[i]);
    auto preview =
        loaded->PreviewSegment(Def("", {condition(probes[i])}), 1000);
    REQUIRE_OK(preview);
    CHECK(preview->first_members == expected);
    CHECK(MembersOf(*incremental, segments[i]) == expected);
  }
}

TEST_CASE("string folding is ASCII only", "[filter]") {
  SegmentProbe probe;
  probe
      .Lead(1, {{"email", Str("\xC3\x89"
                              "cole@x.fr")}})  // "École"
      .Lead(2, {{"email", Str("ECOLE@x.fr")}});
  // "é" does not fold to "É"; ASCII letters around it still do.
  CHECK(probe
            .Matching(F("email", Op::kEq,
                        "\xC3\xA9"
                        "cole@x.fr"))
            .empty());
  CHECK(probe.Matching(F("email", Op::kEq,
                         "\xC3\x89"
                         "COLE@X.FR")) == Ids({1}));
  CHECK(probe.Matching(F("email", Op::kContains, "cole@")) == Ids({1, 2}));
}

TEST_CASE("string and keyword values keep their spelling for display",
          "[filter]") {
  auto engine = OpenEngine(kProbeNow);
  REQUIRE_OK(
      engine->UpsertLead({1,
                          {{"email", Str("Alice@Example.com")},
                           {"country", Str("Us")},
                           {"tags", Tags({"VIP", "news", "", "NEWS"})}}}));
  auto lead = engine->GetLead(1);
  REQUIRE_OK(lead);
  CHECK(lead->fields.at("email") == Str("Alice@Example.com"));
  CHECK(lead->fields.at("country") == Str("Us"));
  // "" is dropped, and a case-insensitive duplicate keeps the first spelling.
  CHECK(lead->fields.at("tags") == Tags({"VIP", "news"}));

  const SegmentId id = MakeSegment(
      *engine,
      Def("s", {F("email", Op::kEq, "ALICE@EXAMPLE.COM"),
                F("country", Op::kEq, "US"), F("tags", Op::kHas, "vip")}));
  auto explained = engine->Explain(1, id);
  REQUIRE_OK(explained);
  REQUIRE(explained->conditions.size() == 3);
  CHECK(explained->conditions[0].value == Str("Alice@Example.com"));
  CHECK(explained->conditions[1].value == Str("Us"));
  CHECK(explained->conditions[2].value == Tags({"VIP", "news"}));
  CHECK(explained->member);
}

TEST_CASE("keyword operators fold ASCII case and never match empty values",
          "[filter]") {
  const std::string field = GENERATE(std::string("country"),
                                     std::string("stage"), std::string("plan"));
  INFO("field " << field);
  SegmentProbe probe;
  probe.Field("plan", FieldType::kKeyword)
      .Lead(1, {{field, Str("US")}})
      .Lead(2, {{field, Str("ca")}})
      .Lead(3, {{field, Str("")}})
      .Lead(4)
      .Lead(5, {{field, Str("Us")}});

  CHECK(probe.Matching(F(field, Op::kEq, "us")) == Ids({1, 5}));
  CHECK(probe.Matching(F(field, Op::kEq, "CA")) == Ids({2}));
  CHECK(probe.Matching(F(field, Op::kEq, "DE")).empty());
  CHECK(probe.Matching(F(field, Op::kNeq, "uS")) == Ids({2, 3, 4}));
  CHECK(probe.Matching(F(field, Op::kNeq, "DE")) == probe.All());
  CHECK(probe.Matching(F(field, Op::kIn, List({"Ca", "de"}))) == Ids({2}));
  CHECK(probe.Matching(F(field, Op::kIn, List({"us", "CA", "us"}))) ==
        Ids({1, 2, 5}));
  CHECK(probe.Matching(F(field, Op::kIn, List({"de", "fr"}))).empty());
  CHECK(probe.Matching(F(field, Op::kNotIn, List({"US"}))) == Ids({2, 3, 4}));
  CHECK(probe.Matching(F(field, Op::kNotIn, List({"de"}))) == probe.All());
  CHECK(probe.Matching(F(field, Op::kEmpty)) == Ids({3, 4}));
  CHECK(probe.Matching(F(field, Op::kNotEmpty)) == Ids({1, 2, 5}));
}

TEST_CASE("tag operators fold ASCII case and never match empty sets",
          "[filter]") {
  const std::string field =
      GENERATE(std::string("tags"), std::string("labels"));
  INFO("field " << field);
  SegmentProbe probe;
  probe.Field("labels", FieldType::kTags)
      .Lead(1, {{field, Tags({"VIP", "news"})}})
      .Lead(2, {{field, Tags({"vip"})}})
      .Lead(3, {{field, Tags({})}})
      .Lead(4)
      .Lead(5, {{field, Tags({"Trial", "", "NEWS"})}})
      .Lead(6, {{field, Tags({""})}});  // only "": empty

  CHECK(probe.Matching(F(field, Op::kHas, "vip")) == Ids({1, 2}));
  CHECK(probe.Matching(F(field, Op::kHas, "News")) == Ids({1, 5}));
  CHECK(probe.Matching(F(field, Op::kHas, "zzz")).empty());
  CHECK(probe.Matching(F(field, Op::kNotHas, "VIP")) == Ids({3, 4, 5, 6}));
  CHECK(probe.Matching(F(field, Op::kNotHas, "zzz")) == probe.All());

  CHECK(probe.Matching(F(field, Op::kHasAny, List({"TRIAL", "vip"}))) ==
        Ids({1, 2, 5}));
  CHECK(probe.Matching(F(field, Op::kHasAny, List({"zzz", "yyy"}))).empty());
  CHECK(probe.Matching(F(field, Op::kHasAny, List({"zzz", "trial"}))) ==
        Ids({5}));
  CHECK(probe.Matching(F(field, Op::kHasAll, List({"vip", "NEWS"}))) ==
        Ids({1}));
  CHECK(probe.Matching(F(field, Op::kHasAll, List({"vip"}))) == Ids({1, 2}));
  CHECK(probe.Matching(F(field, Op::kHasAll, List({"vip", "zzz"}))).empty());
  CHECK(probe.Matching(F(field, Op::kHasNone, List({"vip", "trial"}))) ==
        Ids({3, 4, 6}));
  CHECK(probe.Matching(F(field, Op::kHasNone, List({"zzz", "VIP"}))) ==
        Ids({3, 4, 5, 6}));
  CHECK(probe.Matching(F(field, Op::kHasNone, List({"zzz"}))) == probe.All());

  CHECK(probe.Matching(F(field, Op::kEmpty)) == Ids({3, 4, 6}));
  CHECK(probe.Matching(F(field, Op::kNotEmpty)) == Ids({1, 2, 5}));
}

TEST_CASE(
    "int64 operators: bounds are inclusive where stated, negatives, "
    "extremes",
    "[filter]") {
  const std::string field =
      GENERATE(std::string("score"), std::string("visits"));
  INFO("field " << field);
  SegmentProbe probe;
  probe.Field("visits", FieldType::kInt64)
      .Lead(1, {{field, Int(10)}})
      .Lead(2, {{field, Int(-5)}})
      .Lead(3, {{field, Int(0)}})
      .Lead(4)
      .Lead(5, {{field, Int(kMax)}})
      .Lead(6, {{field, Int(kMin)}})
      .Lead(7, {{field, Int(500)}});

  CHECK(probe.Matching(F(field, Op::kEq, int64_t{10})) == Ids({1}));
  CHECK(probe.Matching(F(field, Op::kEq, int64_t{-5})) == Ids({2}));
  CHECK(probe.Matching(F(field, Op::kEq, int64_t{11})).empty());
  CHECK(probe.Matching(F(field, Op::kNeq, int64_t{10})) ==
        Ids({2, 3, 4, 5, 6, 7}));
  CHECK(probe.Matching(F(field, Op::kGt, int64_t{10})) == Ids({5, 7}));
  CHECK(probe.Matching(F(field, Op::kGte, int64_t{10})) == Ids({1, 5, 7}));
  CHECK(probe.Matching(F(field, Op::kLt, int64_t{0})) == Ids({2, 6}));
  CHECK(probe.Matching(F(field, Op::kLte, int64_t{0})) == Ids({2, 3, 6}));
  CHECK(probe.Matching(F(field, Op::kGt, int64_t{-6})) == Ids({1, 2, 3, 5, 7}));
  CHECK(probe.Matching(F(field, Op::kBetween, Ints({0, 10}))) == Ids({1, 3}));
  CHECK(probe.Matching(F(field, Op::kBetween, Ints({-5, -5}))) == Ids({2}));
  CHECK(probe.Matching(F(field, Op::kBetween, Ints({11, 499}))).empty());
  CHECK(probe.Matching(F(field, Op::kBetween, Ints({kMin, kMax}))) ==
        Ids({1, 2, 3, 5, 6, 7}));

  // The extremes as operands.
  CHECK(probe.Matching(F(field, Op::kGt, kMax)).empty());
  CHECK(probe.Matching(F(field, Op::kGte, kMax)) == Ids({5}));
  CHECK(probe.Matching(F(field, Op::kLt, kMin)).empty());
  CHECK(probe.Matching(F(field, Op::kLte, kMin)) == Ids({6}));
  CHECK(probe.Matching(F(field, Op::kEq, kMin)) == Ids({6}));
  CHECK(probe.Matching(F(field, Op::kEq, kMax)) == Ids({5}));
  CHECK(probe.Matching(F(field, Op::kNeq, kMax)) == Ids({1, 2, 3, 4, 6, 7}));
  CHECK(probe.Matching(F(field, Op::kLt, kMax)) == Ids({1, 2, 3, 6, 7}));
  CHECK(probe.Matching(F(field, Op::kGt, kMin)) == Ids({1, 2, 3, 5, 7}));

  CHECK(probe.Matching(F(field, Op::kEmpty)) == Ids({4}));
  CHECK(probe.Matching(F(field, Op::kNotEmpty)) == Ids({1, 2, 3, 5, 6, 7}));
}

TEST_CASE("double operators take integer operands and fold negative zero",
          "[filter]") {
  SegmentProbe probe;
  probe.Field("mrr", FieldType::kDouble)
      .Lead(1, {{"mrr", Num(9.5)}})
      .Lead(2, {{"mrr", Num(-0.5)}})
      .Lead(3, {{"mrr", Num(0.0)}})
      .Lead(4)
      .Lead(5, {{"mrr", Int(10)}})  // an integer stored in a double field
      .Lead(6, {{"mrr", Num(-0.0)}})
      .Lead(7, {{"mrr", Num(1e300)}})
      .Lead(8, {{"mrr", Num(-1e300)}});

  CHECK(probe.Matching(F("mrr", Op::kEq, 9.5)) == Ids({1}));
  CHECK(probe.Matching(F("mrr", Op::kEq, int64_t{10})) == Ids({5}));
  CHECK(probe.Matching(F("mrr", Op::kEq, 10.0)) == Ids({5}));
  CHECK(probe.Matching(F("mrr", Op::kEq, 9.25)).empty());
  CHECK(probe.Matching(F("mrr", Op::kEq, int64_t{0})) == Ids({3, 6}));
  CHECK(probe.Matching(F("mrr", Op::kEq, -0.0)) == Ids({3, 6}));
  CHECK(probe.Matching(F("mrr", Op::kNeq, 9.5)) == Ids({2, 3, 4, 5, 6, 7, 8}));
  CHECK(probe.Matching(F("mrr", Op::kGt, 9.5)) == Ids({5, 7}));
  CHECK(probe.Matching(F("mrr", Op::kGt, int64_t{9})) == Ids({1, 5, 7}));
  CHECK(probe.Matching(F("mrr", Op::kGte, 9.5)) == Ids({1, 5, 7}));
  CHECK(probe.Matching(F("mrr", Op::kLt, int64_t{0})) == Ids({2, 8}));
  CHECK(probe.Matching(F("mrr", Op::kLt, 0.0)) == Ids({2, 8}));
  CHECK(probe.Matching(F("mrr", Op::kLte, -0.0)) == Ids({2, 3, 6, 8}));
  CHECK(probe.Matching(F("mrr", Op::kBetween, Nums({-1, 9.5}))) ==
        Ids({1, 2, 3, 6}));
  CHECK(probe.Matching(F("mrr", Op::kBetween, Ints({0, 10}))) ==
        Ids({1, 3, 5, 6}));
  CHECK(probe.Matching(
            F("mrr", Op::kBetween, std::vector<Scalar>{int64_t{-1}, 9.5})) ==
        Ids({1, 2, 3, 6}));
  // int64 extremes as operands of a double field.
  CHECK(probe.Matching(F("mrr", Op::kGt, kMax)) == Ids({7}));
  CHECK(probe.Matching(F("mrr", Op::kLt, kMin)) == Ids({8}));
  CHECK(probe.Matching(F("mrr", Op::kEmpty)) == Ids({4}));
  CHECK(probe.Matching(F("mrr", Op::kNotEmpty)) == Ids({1, 2, 3, 5, 6, 7, 8}));

  auto engine = probe.Build();
  auto lead = engine->GetLead(5);
  REQUIRE_OK(lead);
  CHECK(lead->fields.at("mrr") == Num(10.0));
}

TEST_CASE("double fields order infinities and the largest values", "[filter]") {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  SegmentProbe probe;
  probe.Field("mrr", FieldType::kDouble)
      .Lead(1, {{"mrr", Num(kInf)}})
      .Lead(2, {{"mrr", Num(-kInf)}})
      .Lead(3, {{"mrr", Num(std::numeric_limits<double>::max())}})
      .Lead(4, {{"mrr", Num(std::numeric_limits<double>::denorm_min())}})
      .Lead(5, {{"mrr", Num(-std::numeric_limits<double>::denorm_min())}});
  CHECK(probe.Matching(F("mrr", Op::kGt, std::numeric_limits<double>::max())) ==
        Ids({1}));
  CHECK(probe.Matching(F("mrr", Op::kEq, kInf)) == Ids({1}));
  CHECK(probe.Matching(F("mrr", Op::kLt,
                         std::numeric_limits<double>::lowest())) == Ids({2}));
  CHECK(probe.Matching(F("mrr", Op::kGt, 0.0)) == Ids({1, 3, 4}));
  CHECK(probe.Matching(F("mrr", Op::kLt, int64_t{0})) == Ids({2, 5}));
  CHECK(probe.Matching(F("mrr", Op::kBetween, Nums({-kInf, kInf}))) ==
        probe.All());
}

TEST_CASE("numeric conditions on a few candidate rows probe them one by one",
          "[filter]") {
  // Two rare tags among 200 leads leave so few rows that range conditions
  // check them one at a time instead of scanning the column.
  SegmentProbe probe;
  probe.Field("mrr", FieldType::kDouble);
  for (LeadId id = 0; id < 200; ++id) {
    FieldValues fields = {
        {"score", Int(static_cast<int64_t>(id) - 100)},
        {"mrr", Num(static_cast<double>(id) / 2)},
        {"created_at", Int(kProbeNow - 1000 + static_cast<int64_t>(id))}};
    if (id == 50 || id == 150) fields["tags"] = Tags({"rare"});
    probe.Lead(id, fields);
  }
  const Condition rare = F("tags", Op::kHas, "rare");
  CHECK(probe.Matching({rare, F("score", Op::kGte, int64_t{0})}) == Ids({150}));
  CHECK(probe.Matching({rare, F("score", Op::kNeq, int64_t{-50})}) ==
        Ids({150}));
  CHECK(probe.Matching({rare, F("mrr", Op::kBetween, Nums({25, 75}))}) ==
        Ids({50, 150}));
  CHECK(probe.Matching({rare, F("created_at", Op::kWithinLast, Hours(1))}) ==
        Ids({50, 150}));
  CHECK(probe.Matching({rare, F("created_at", Op::kBefore,
                                kProbeNow - 1000 + 150)}) == Ids({50}));
}

TEST_CASE("range conditions stay exact once the numeric index has buckets",
          "[filter]") {
  // Enough distinct values that the column builds bucket bounds; every
  // range must still count exactly, edges included, also for values that
  // arrive after the bounds were chosen.
  auto engine = OpenEngine(kProbeNow);
  REQUIRE_OK(engine->DefineField("mrr", FieldType::kDouble));
  constexpr int kCount = 6000;
  std::vector<int64_t> scores;
  std::string ndjson;
  for (int i = 0; i < kCount; ++i) {
    const int64_t score = (int64_t{i} * 7919) % 10007 - 5000;
    scores.push_back(score);
    ndjson += "{\"id\": " + std::to_string(i) +
              ", \"score\": " + std::to_string(score) +
              ", \"mrr\": " + std::to_string(static_cast<double>(score) / 4) +
              "}\n";
  }
  auto loaded = engine->LoadLeads(ndjson);
  REQUIRE_OK(loaded);
  REQUIRE(loaded->loaded == kCount);
  // Values beyond everything seen so far, and the extremes.
  const std::vector<std::pair<LeadId, int64_t>> late = {{kCount, 9000},
                                                        {kCount + 1, -9000},
                                                        {kCount + 2, kMax},
                                                        {kCount + 3, kMin}};
  for (const auto& [id, score] : late) {
    REQUIRE_OK(engine->UpsertLead({id, {{"score", Int(score)}}}));
    scores.push_back(score);
  }
  const std::vector<std::pair<int64_t, int64_t>> ranges = {
      {-5000, 5006}, {0, 0},       {-1, 1},       {-4999, 4999},
      {17, 3017},    {5000, 9000}, {kMin, -5000}, {4321, 4321},
      {9000, kMax},  {kMin, kMax}, {-9000, -8999}};
  for (const auto& [lo, hi] : ranges) {
    INFO("score between " << lo << " and " << hi);
    uint64_t expected = 0;
    for (int64_t s : scores) expected += s >= lo && s <= hi;
    auto preview = engine->PreviewSegment(
        Def("", {F("score", Op::kBetween, Ints({lo, hi}))}), 1);
    REQUIRE_OK(preview);
    CHECK(preview->count == expected);
    uint64_t outside = 0;
    for (int64_t s : scores) outside += s > hi;
    preview = engine->PreviewSegment(Def("", {F("score", Op::kGt, hi)}), 1);
    REQUIRE_OK(preview);
    CHECK(preview->count == outside);
  }
  for (const double bound : {-1250.0, -0.25, 0.0, 0.25, 333.5, 1251.5}) {
    INFO("mrr lte " << bound);
    uint64_t expected = 0;
    for (int i = 0; i < kCount; ++i) {
      expected += static_cast<double>(scores[i]) / 4 <= bound;
    }
    auto preview =
        engine->PreviewSegment(Def("", {F("mrr", Op::kLte, bound)}), 1);
    REQUIRE_OK(preview);
    CHECK(preview->count == expected);
  }
}

TEST_CASE("bool operators", "[filter]") {
  SegmentProbe probe;
  probe.Field("opted", FieldType::kBool)
      .Lead(1, {{"opted", Bool(true)}})
      .Lead(2, {{"opted", Bool(false)}})
      .Lead(3);
  CHECK(probe.Matching(F("opted", Op::kEq, true)) == Ids({1}));
  CHECK(probe.Matching(F("opted", Op::kEq, false)) == Ids({2}));
  CHECK(probe.Matching(F("opted", Op::kEmpty)) == Ids({3}));
  CHECK(probe.Matching(F("opted", Op::kNotEmpty)) == Ids({1, 2}));
}

TEST_CASE("bool, zero and false values change like any other value",
          "[filter]") {
  auto engine = OpenEngine(kProbeNow);
  REQUIRE_OK(engine->DefineField("opted", FieldType::kBool));
  const SegmentId yes =
      MakeSegment(*engine, Def("yes", {F("opted", Op::kEq, true)}));
  const SegmentId no =
      MakeSegment(*engine, Def("no", {F("opted", Op::kEq, false)}));
  const SegmentId unset =
      MakeSegment(*engine, Def("unset", {F("opted", Op::kEmpty)}));
  const SegmentId zero =
      MakeSegment(*engine, Def("zero", {F("score", Op::kNotEmpty)}));
  REQUIRE_OK(engine->UpsertLead({1, {{"opted", Bool(true)}}}));
  CHECK(MembersOf(*engine, yes) == Ids({1}));
  REQUIRE_OK(
      engine->UpsertLead({1, {{"opted", Bool(false)}, {"score", Int(0)}}}));
  CHECK(MembersOf(*engine, yes).empty());
  CHECK(MembersOf(*engine, no) == Ids({1}));
  CHECK(MembersOf(*engine, zero) == Ids({1}));
  // false and 0 are values: GetLead shows them.
  auto lead = engine->GetLead(1);
  REQUIRE_OK(lead);
  CHECK(lead->fields == FieldValues{{"opted", Bool(false)}, {"score", Int(0)}});
  REQUIRE_OK(engine->PatchLead({1, {{"opted", Bool(true)}}, {}, {}, {}}));
  CHECK(MembersOf(*engine, yes) == Ids({1}));
  CHECK(MembersOf(*engine, no).empty());
  REQUIRE_OK(engine->PatchLead({1, {}, {"opted"}, {}, {}}));
  CHECK(MembersOf(*engine, yes).empty());
  CHECK(MembersOf(*engine, no).empty());
  CHECK(MembersOf(*engine, unset) == Ids({1}));
  // A freed row taken over by a new lead carries no old value.
  REQUIRE_OK(engine->PatchLead({1, {{"opted", Bool(false)}}, {}, {}, {}}));
  REQUIRE_OK(engine->DeleteLead(1));
  REQUIRE_OK(engine->UpsertLead({2, {{"opted", Bool(true)}}}));
  CHECK(MembersOf(*engine, yes) == Ids({2}));
  CHECK(MembersOf(*engine, no).empty());
  REQUIRE_OK(engine->UpsertLead({2, {{"opted", Bool(false)}}}));
  CHECK(MembersOf(*engine, yes).empty());
  CHECK(MembersOf(*engine, no) == Ids({2}));
}

TEST_CASE("the operator vocabulary: names, negative operators, durations",
          "[filter]") {
  const std::vector<std::pair<Op, std::string>> names = {
      {Op::kEq, "eq"},
      {Op::kNeq, "neq"},
      {Op::kIn, "in"},
      {Op::kNotIn, "not_in"},
      {Op::kContains, "contains"},
      {Op::kNotContains, "not_contains"},
      {Op::kStartsWith, "starts_with"},
      {Op::kEndsWith, "ends_with"},
      {Op::kEmpty, "empty"},
      {Op::kNotEmpty, "not_empty"},
      {Op::kGt, "gt"},
      {Op::kGte, "gte"},
      {Op::kLt, "lt"},
      {Op::kLte, "lte"},
      {Op::kBetween, "between"},
      {Op::kBefore, "before"},
      {Op::kAfter, "after"},
      {Op::kWithinLast, "within_last"},
      {Op::kOlderThan, "older_than"},
      {Op::kHas, "has"},
      {Op::kNotHas, "not_has"},
      {Op::kHasAny, "has_any"},
      {Op::kHasAll, "has_all"},
      {Op::kHasNone, "has_none"},
      {Op::kDid, "did"},
      {Op::kDidNot, "did_not"},
      {Op::kMember, "member"},
      {Op::kNotMember, "not_member"},
  };
  const std::vector<Op> negative = {
      Op::kNeq,     Op::kNotIn,  Op::kNotContains, Op::kNotHas,
      Op::kHasNone, Op::kDidNot, Op::kNotMember};
  for (const auto& [op, name] : names) {
    INFO(name);
    CHECK(OpName(op) == name);
    CHECK(ParseOp(name) == std::optional<Op>(op));
    CHECK(IsNegativeOp(op) ==
          (std::find(negative.begin(), negative.end(), op) != negative.end()));
  }
  CHECK_FALSE(ParseOp("equals").has_value());
  CHECK_FALSE(ParseOp("").has_value());
  CHECK((Duration{2, Duration::Unit::kDays}.seconds()) == 2 * kSecondsPerDay);
  CHECK((Duration{5, Duration::Unit::kHours}.seconds()) == 5 * kSecondsPerHour);
  const Condition activity =
      Condition::Activity("email_open", Op::kDid, 17, 3, 30);
  CHECK(activity.kind == Condition::Kind::kActivity);
  CHECK(activity.subject == "email_open");
  CHECK(activity.object == std::optional<int64_t>(17));
  CHECK(activity.at_least == 3);
  CHECK(activity.within_days == std::optional<int64_t>(30));
  const Condition segment = Condition::Segment("VIPs", Op::kNotMember);
  CHECK(segment.kind == Condition::Kind::kSegment);
  CHECK(segment.op == Op::kNotMember);
  for (FieldType type :
       {FieldType::kString, FieldType::kKeyword, FieldType::kInt64,
        FieldType::kDouble, FieldType::kBool, FieldType::kTimestamp,
        FieldType::kTags}) {
    CHECK(ParseFieldType(FieldTypeName(type)) ==
          std::optional<FieldType>(type));
  }
}

TEST_CASE("conditions combine with AND", "[filter]") {
  SegmentProbe probe;
  probe.Lead(1, {{"country", Str("US")}, {"score", Int(600)}})
      .Lead(2, {{"country", Str("US")}, {"score", Int(100)}})
      .Lead(3, {{"country", Str("DE")}, {"score", Int(900)}})
      .Lead(4, {{"country", Str("us")},
                {"score", Int(700)},
                {"tags", Tags({"vip"})}});
  CHECK(probe.Matching({F("country", Op::kEq, "us"),
                        F("score", Op::kGte, int64_t{500})}) == Ids({1, 4}));
  CHECK(probe.Matching({F("country", Op::kEq, "us"),
                        F("score", Op::kGte, int64_t{500}),
                        F("tags", Op::kNotHas, "vip")}) == Ids({1}));
  // An empty AND group (no filters) is a manual list: nobody by filter.
  CHECK(probe.Matching(std::vector<Condition>{}).empty());
  // Contradictions are empty, not an error.
  CHECK(probe
            .Matching({F("score", Op::kGt, int64_t{500}),
                       F("score", Op::kLt, int64_t{500})})
            .empty());
}

TEST_CASE("field updates move leads in and out of segments", "[filter]") {
  auto engine = OpenEngine(kProbeNow);
  const SegmentId id =
      MakeSegment(*engine, Def("s", {F("score", Op::kBetween, Ints({10, 20})),
                                     F("country", Op::kNeq, "de")}));
  auto entered = engine->UpsertLead({7, {{"score", Int(10)}}});
  REQUIRE_OK(entered);
  REQUIRE(entered->changes.size() == 1);
  CHECK(entered->changes[0] == MembershipChange{id, ChangeKind::kEntered,
                                                ChangeCause::kFilter, 7,
                                                kProbeNow});
  auto left = engine->PatchLead({7, {{"country", Str("DE")}}, {}, {}, {}});
  REQUIRE_OK(left);
  REQUIRE(left->changes.size() == 1);
  CHECK(left->changes[0].kind == ChangeKind::kLeft);
  auto back = engine->PatchLead({7, {}, {"country"}, {}, {}});
  REQUIRE_OK(back);
  REQUIRE(back->changes.size() == 1);
  CHECK(back->changes[0].kind == ChangeKind::kEntered);
  // A change that keeps the answer reports nothing.
  auto same = engine->PatchLead({7, {{"score", Int(20)}}, {}, {}, {}});
  REQUIRE_OK(same);
  CHECK(same->changes.empty());
  auto out = engine->PatchLead({7, {{"score", Int(21)}}, {}, {}, {}});
  REQUIRE_OK(out);
  REQUIRE(out->changes.size() == 1);
  CHECK(out->changes[0].kind == ChangeKind::kLeft);
  CHECK(MembersOf(*engine, id).empty());
}

TEST_CASE(
    "FieldOperators lists what each field type takes, and the engine "
    "agrees",
    "[filter]") {
  auto engine = OpenEngine(kProbeNow);
  for (FieldType type :
       {FieldType::kString, FieldType::kKeyword, FieldType::kInt64,
        FieldType::kDouble, FieldType::kBool, FieldType::kTimestamp,
        FieldType::kTags}) {
    const std::string field = "f_" + std::string(FieldTypeName(type));
    REQUIRE_OK(engine->DefineField(field, type));
    // Every listed operator is accepted with an operand of the right
    // shape, and every other field operator is refused.
    for (int o = 0; o <= static_cast<int>(Op::kHasNone); ++o) {
      const Op op = static_cast<Op>(o);
      const auto ops = FieldOperators(type);
      const bool listed = std::find(ops.begin(), ops.end(), op) != ops.end();
      auto preview = engine->PreviewSegment(Def("", {F(field, op)}), 1);
      INFO(field << " " << OpName(op) << ": " << StatusText(preview));
      if (!listed) {
        CHECK(!preview.ok());
        if (!preview.ok()) {
          CHECK(
              std::string(preview.status().message()).find("does not apply") !=
              std::string::npos);
        }
      }
    }
  }
  CHECK(FieldOperators(FieldType::kBool).size() == 3);
}

}  // namespace
}  // namespace audience::testing
