// The columnar lead store (store/lead_store.h): upsert replaces every field,
// delete frees the row, freed rows are reused clean.
#include "store/lead_store.h"

#include <limits>
#include <map>
#include <set>
#include <string>

#include "store/lead_record.h"
#include "testing/test_util.h"
#include "util/str_cat.h"
#include "util/text.h"

namespace audience::testing {
namespace {

// Upserts `lead` (values must be valid) and returns its row.
Row Put(LeadStore& store, const Lead& lead) {
  auto record = ToLeadRecord(store.schema(), lead);
  REQUIRE_OK(record);
  return store.Upsert(*record);
}

Lead MakeLead(LeadId id, FieldValues fields) {
  Lead lead;
  lead.id = id;
  lead.fields = std::move(fields);
  return lead;
}

// The lead as GetLead should return it: no empty values, tags normalised.
FieldValues Normalised(const FieldValues& fields) {
  FieldValues out;
  for (const auto& [name, value] : fields) {
    if (const auto* tags = std::get_if<TagList>(&value)) {
      TagList kept;
      std::set<std::string> seen;
      for (const std::string& t : *tags) {
        if (!t.empty() && seen.insert(FoldAscii(t)).second) kept.push_back(t);
      }
      if (!kept.empty()) out[name] = kept;
      continue;
    }
    if (IsEmptyValue(value)) continue;
    out[name] = value;
  }
  return out;
}

TEST_CASE("LeadStore upsert creates, replaces and GetLead omits empties",
          "[store]") {
  LeadStore store;
  CHECK(store.lead_count() == 0);
  CHECK_FALSE(store.Find(7).has_value());
  const Row row = Put(store, MakeLead(7, {{"email", std::string("a@b.com")},
                                          {"country", std::string("US")},
                                          {"score", int64_t{10}},
                                          {"tags", TagList{"vip", ""}},
                                          {"stage", std::string("")}}));
  CHECK(store.Find(7) == row);
  CHECK(store.lead_id(row) == 7);
  CHECK(store.lead_count() == 1);
  CHECK(store.live().contains(row));
  Lead got = store.GetLead(row);
  CHECK(got.id == 7);
  CHECK(got.fields == FieldValues{{"email", std::string("a@b.com")},
                                  {"country", std::string("US")},
                                  {"score", int64_t{10}},
                                  {"tags", TagList{"vip"}}});

  // A second upsert replaces every field: those left out become empty.
  const Row again = Put(store, MakeLead(7, {{"score", int64_t{20}}}));
  CHECK(again == row);
  CHECK(store.lead_count() == 1);
  got = store.GetLead(row);
  CHECK(got.fields == FieldValues{{"score", int64_t{20}}});
  CHECK(std::holds_alternative<std::monostate>(
      store.GetValue(row, *store.schema().Find("email"))));
  CHECK_FALSE(store.column(*store.schema().Find("country")).Has(row));
  CHECK(store.keyword_column(*store.schema().Find("country"))
            .present()
            .isEmpty());
  CHECK(store.tag_column(store.schema().tags_field()).present().isEmpty());

  // Lead id 0 is a valid id.
  const Row zero = Put(store, MakeLead(0, {}));
  CHECK(store.Find(0) == zero);
  CHECK(store.GetLead(zero).fields.empty());
  CHECK(store.lead_count() == 2);
}

TEST_CASE("LeadStore delete frees the row and reuses it clean", "[store]") {
  LeadStore store;
  ActivityLog& log = store.activity();
  const Row a = Put(store, MakeLead(1, {{"email", std::string("x@y.com")},
                                        {"score", int64_t{5}},
                                        {"tags", TagList{"old"}},
                                        {"created_at", int64_t{100}}}));
  const Row b = Put(store, MakeLead(2, {{"score", int64_t{6}}}));
  const uint32_t open = log.InternType("email_open");
  log.Add(a, open, 17, 50);
  CHECK(log.RowsWith(open).contains(a));

  store.Delete(a);
  CHECK_FALSE(store.Find(1).has_value());
  CHECK(store.lead_count() == 1);
  CHECK_FALSE(store.live().contains(a));
  CHECK(store.live().contains(b));
  CHECK(log.EventsOf(a).empty());
  CHECK(log.RowsWith(open).isEmpty());
  CHECK(log.RowsWith(open, 17).isEmpty());
  for (FieldId f = 0; f < store.schema().size(); ++f) {
    INFO("field " << store.schema().field(f).name);
    CHECK_FALSE(store.column(f).Has(a));
  }

  // A new lead takes the freed row with nothing left over.
  const Row c = Put(store, MakeLead(3, {{"stage", std::string("lead")}}));
  CHECK(c == a);
  CHECK(store.lead_id(c) == 3);
  CHECK(store.Find(3) == c);
  CHECK(store.GetLead(c).fields == FieldValues{{"stage", std::string("lead")}});
  CHECK(log.EventsOf(c).empty());
  CHECK(store.row_limit() == 2);
  CHECK(store.GetLead(b).fields == FieldValues{{"score", int64_t{6}}});

  // Deleting then re-adding the same id works as a fresh lead.
  store.Delete(b);
  const Row d = Put(store, MakeLead(2, {}));
  CHECK(store.Find(2) == d);
  CHECK(store.GetLead(d).fields.empty());
}

TEST_CASE("LeadStore tracks whether rows follow lead id order", "[store]") {
  LeadStore store;
  CHECK(store.rows_in_id_order());
  const Row r10 = Put(store, MakeLead(10, {}));
  const Row r20 = Put(store, MakeLead(20, {}));
  const Row r30 = Put(store, MakeLead(30, {}));
  CHECK(store.rows_in_id_order());
  CHECK(store.FirstRowAfter(0) == r10);
  CHECK(store.FirstRowAfter(10) == r20);
  CHECK(store.FirstRowAfter(15) == r20);
  CHECK(store.FirstRowAfter(29) == r30);
  CHECK(store.FirstRowAfter(30) == 3);
  CHECK(store.FirstRowAfter(std::numeric_limits<LeadId>::max()) == 3);
  // Replacing a lead keeps its row; deleting keeps the order of the rest.
  Put(store, MakeLead(20, {{"score", int64_t{1}}}));
  store.Delete(r20);
  CHECK(store.rows_in_id_order());
  CHECK(store.FirstRowAfter(10) == r20);  // the freed row still counts
  // Reusing the freed row for a larger id breaks the order.
  const Row r40 = Put(store, MakeLead(40, {}));
  CHECK(r40 == r20);
  CHECK_FALSE(store.rows_in_id_order());

  LeadStore descending;
  Put(descending, MakeLead(5, {}));
  Put(descending, MakeLead(3, {}));
  CHECK_FALSE(descending.rows_in_id_order());
  LeadStore same;
  const Row a = Put(same, MakeLead(5, {}));
  same.Delete(a);
  Put(same, MakeLead(6, {}));  // reuses the freed row
  CHECK_FALSE(same.rows_in_id_order());
}

TEST_CASE("LeadStore DefineField adds an empty column for existing rows",
          "[store]") {
  LeadStore store;
  const Row row = Put(store, MakeLead(1, {{"score", int64_t{1}}}));
  Put(store, MakeLead(2, {}));
  auto plan = store.DefineField("plan", FieldType::kKeyword);
  REQUIRE_OK(plan);
  CHECK(store.schema().field(*plan).name == "plan");
  CHECK_FALSE(store.column(*plan).Has(row));
  REQUIRE_ERROR(store.DefineField("plan", FieldType::kInt64),
                absl::StatusCode::kAlreadyExists, "\"plan\"");
  REQUIRE_ERROR(store.DefineField("id", FieldType::kInt64),
                absl::StatusCode::kInvalidArgument, "reserved");
  store.SetField(row, *plan, FieldInput(std::string_view("pro")));
  CHECK(std::get<std::string>(store.GetValue(row, *plan)) == "pro");
  CHECK(store.GetLead(row).fields ==
        FieldValues{{"score", int64_t{1}}, {"plan", std::string("pro")}});
  // New rows after the definition have the column too.
  const Row later = Put(store, MakeLead(3, {{"plan", std::string("free")}}));
  CHECK(std::get<std::string>(store.GetValue(later, *plan)) == "free");
}

TEST_CASE("LeadStore with 1000 custom numeric fields and no lead stays small",
          "[store]") {
  // Regression: each numeric column's bucket tables took ~780 KB before any
  // value arrived, ~800 MB for these fields.
  LeadStore store;
  size_t bytes = 0;
  for (int i = 0; i < 1000; ++i) {
    auto field = store.DefineField(
        StrCat("n", i), i % 2 == 0 ? FieldType::kInt64 : FieldType::kDouble);
    REQUIRE_OK(field);
  }
  for (FieldId f = 0; f < store.schema().size(); ++f) {
    bytes += store.FieldMemoryBytes(f);
  }
  CHECK(bytes < 4 * 1024 * 1024);
}

TEST_CASE("LeadStore matches a reference under random upserts and deletes",
          "[store]") {
  SeededRandom rng(GENERATE(1, 2));
  INFO("seed " << rng.seed());
  LeadStore store;
  REQUIRE_OK(store.DefineField("mrr", FieldType::kDouble));
  REQUIRE_OK(store.DefineField("opted", FieldType::kBool));
  REQUIRE_OK(store.DefineField("labels", FieldType::kTags));
  std::map<LeadId, FieldValues> model;
  auto random_value = [&](FieldType type) -> Value {
    if (rng.Chance(0.1)) return std::monostate{};
    switch (type) {
      case FieldType::kString:
        return std::string(
            rng.Pick(std::vector<std::string>{"", "a@b", "C@D"}));
      case FieldType::kKeyword:
        return std::string(
            rng.Pick(std::vector<std::string>{"US", "us", "", "DE"}));
      case FieldType::kInt64:
      case FieldType::kTimestamp:
        return rng.Between(-5, 5);
      case FieldType::kDouble:
        return static_cast<double>(rng.Between(-8, 8)) / 4;
      case FieldType::kBool:
        return rng.Chance(0.5);
      case FieldType::kTags: {
        TagList tags;
        for (uint64_t i = rng.Below(4); i > 0; --i) {
          tags.push_back(rng.Pick(std::vector<std::string>{"a", "A", "b", ""}));
        }
        return tags;
      }
    }
    return std::monostate{};
  };
  for (int step = 0; step < 1000; ++step) {
    const LeadId id = rng.Below(40);
    if (rng.Chance(0.25) && model.contains(id)) {
      store.Delete(*store.Find(id));
      model.erase(id);
    } else {
      FieldValues fields;
      for (const FieldDefinition& f : store.schema().fields()) {
        if (rng.Chance(0.6)) fields[f.name] = random_value(f.type);
      }
      Put(store, MakeLead(id, fields));
      model[id] = Normalised(fields);
    }
    if (step % 100 == 0) store.Maintain();
    REQUIRE(store.lead_count() == model.size());
    Roaring live;
    for (const auto& [lead, fields] : model) {
      std::optional<Row> row = store.Find(lead);
      REQUIRE(row.has_value());
      live.add(*row);
      REQUIRE(store.lead_id(*row) == lead);
      INFO("lead " << lead);
      REQUIRE(store.GetLead(*row).fields == fields);
    }
    REQUIRE(store.live() == live);
    REQUIRE(store.row_limit() <= 40);  // rows are reused
  }
}

// A bulk load defers bitmap upkeep for appended rows; afterwards every
// bitmap must be exactly what row-by-row upserts build.
TEST_CASE("bulk-appended rows get the same bitmaps as single upserts",
          "[store]") {
  SeededRandom rng(7);
  auto random_lead = [&](LeadId id) {
    FieldValues f;
    if (rng.Chance(0.8))
      f["email"] = std::string(rng.Chance(0.5) ? "a@x.com" : "");
    if (rng.Chance(0.8))
      f["country"] = std::string(rng.Chance(0.5) ? "US" : "de");
    if (rng.Chance(0.8)) f["score"] = rng.Between(-5, 5);
    if (rng.Chance(0.8)) {
      f["tags"] = TagList{rng.Chance(0.5) ? "vip" : "VIP",
                          rng.Chance(0.5) ? "news" : ""};
    }
    if (rng.Chance(0.5)) f["created_at"] = rng.Between(0, 100);
    return MakeLead(id, f);
  };
  LeadStore bulk;
  LeadStore single;
  // Some leads exist before the bulk load (their rows are not deferred).
  for (LeadId id = 0; id < 50; ++id) {
    Lead lead = random_lead(id);
    Put(bulk, lead);
    Put(single, lead);
  }
  bulk.BeginBulk(500);
  for (int i = 0; i < 500; ++i) {
    // Repeated ids update rows appended earlier in the same load.
    Lead lead = random_lead(rng.Below(300));
    Put(bulk, lead);
    Put(single, lead);
  }
  bulk.EndBulk();
  REQUIRE(bulk.live() == single.live());
  for (FieldId f = 0; f < bulk.schema().size(); ++f) {
    INFO("field " << bulk.schema().field(f).name);
    REQUIRE(bulk.column(f).present() == single.column(f).present());
  }
  const FieldId country = *bulk.schema().Find("country");
  const FieldId tags = *bulk.schema().Find("tags");
  for (const char* term : {"us", "de"}) {
    auto t = bulk.keyword_column(country).dictionary().FindTerm(term);
    REQUIRE(t);
    REQUIRE(bulk.keyword_column(country).postings(*t) ==
            single.keyword_column(country).postings(*t));
  }
  for (const char* term : {"vip", "news"}) {
    auto t = bulk.tag_column(tags).dictionary().FindTerm(term);
    REQUIRE(t);
    REQUIRE(bulk.tag_column(tags).postings(*t) ==
            single.tag_column(tags).postings(*t));
  }
  for (Row row = 0; row < bulk.row_limit(); ++row) {
    REQUIRE(bulk.GetLead(row).fields == single.GetLead(row).fields);
  }
}

}  // namespace
}  // namespace audience::testing
