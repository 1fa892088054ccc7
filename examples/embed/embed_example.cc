// Embedding audience in a host: define a field, segments (one with a
// group), add leads and watch memberships change. Built and run by ctest.
#include <cstdio>

#include "audience/audience.h"

int main() {
  using namespace audience;
  auto engine = Engine::Open(EngineOptions{.now = 1'790'000'000});
  if (!engine.ok()) return 1;
  Engine& e = **engine;
  if (!e.DefineField("plan", FieldType::kKeyword).ok()) return 1;

  SegmentDefinition vips;
  vips.name = "US VIPs";
  vips.filters = {
      Condition::Field("country", Op::kIn,
                       std::vector<Scalar>{std::string("US")}),
      Condition::Field("tags", Op::kHas, std::string("vip")),
      Condition::Field("score", Op::kGte, int64_t{500}),
  };
  auto created = e.CreateSegment(vips);
  if (!created.ok()) return 1;
  const SegmentId id = static_cast<SegmentId>(created->id);

  Lead lead{7,
            {{"email", std::string("ada@example.com")},
             {"country", std::string("us")},
             {"score", int64_t{640}},
             {"tags", TagList{"VIP"}}}};
  auto upserted = e.UpsertLead(lead);
  if (!upserted.ok() || upserted->changes.size() != 1) return 1;
  std::printf("lead 7 %s \"US VIPs\"\n",
              std::string(ChangeKindName(upserted->changes[0].kind)).c_str());

  auto count = e.Count(id);
  if (!count.ok() || *count != 1) return 1;

  // Groups nest: US and not (churned or tagged unsubscribed).
  SegmentDefinition reachable;
  reachable.name = "Reachable US";
  reachable.filters = {
      Condition::Field("country", Op::kEq, std::string("US")),
      Condition::Not(Condition::Any({
          Condition::Field("stage", Op::kEq, std::string("churned")),
          Condition::Field("tags", Op::kHas, std::string("unsubscribed")),
      })),
  };
  auto grouped = e.CreateSegment(reachable);
  if (!grouped.ok() || grouped->changes.size() != 1) return 1;
  std::printf("lead 7 %s \"Reachable US\"\n",
              std::string(ChangeKindName(grouped->changes[0].kind)).c_str());
  auto bad = e.UpsertLead(Lead{8, {{"score", std::string("high")}}});
  std::printf("bad lead: %s\n", bad.status().ToString().c_str());
  return bad.ok() ? 1 : 0;
}
