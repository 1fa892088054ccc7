// Segment evaluation over the demo's synthetic data (examples/synthetic),
// single thread, at 1M and 10M leads.
//
// Cases:
//   BM_Evaluate/<segment>/<leads>  evaluate one definition into a row bitmap
//     five_conditions     country in, tags has, score >=, stage !=, email
//     ends_with keyword_in          country in [US, CA] tag_has tags has vip
//     score_gte           score >= 700
//     created_within_90d  created_at within_last 90 days
//     mrr_between         mrr between [300, 499.99] (double)
//     email_ends_with     email ends_with @gmail.com (a full string scan)
//     opened_17_in_30d    did email_open object 17 within 30 days
//     any_of_three        any(country eq DE, tags has vip, score >= 900)
//     in_and_not_any      country in [US, CA] and not (stage in [churned,
//                         lost] or tags has unsubscribed)
//   BM_ScanFloor/<columns>/<leads>  a plain read of the columns a case uses:
//     the cost of touching every row once, for comparison
//
// Each definition's count is checked against a row-by-row evaluation before
// it is timed.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>

#include "bench_data.h"
#include "filter/compile.h"
#include "synthetic_data.h"

namespace audience::bench {
namespace {

SegmentDefinition One(Condition c) {
  SegmentDefinition d;
  d.filters = {std::move(c)};
  return d;
}

std::vector<Scalar> Strings(std::initializer_list<const char*> values) {
  std::vector<Scalar> out;
  for (const char* v : values) out.emplace_back(std::string(v));
  return out;
}

SegmentDefinition Case(int index) {
  switch (index) {
    case 0:
      return synthetic::FiveConditionSegment();
    case 1:
      return One(Condition::Field("country", Op::kIn, Strings({"US", "CA"})));
    case 2:
      return One(Condition::Field("tags", Op::kHas, std::string("vip")));
    case 3:
      return One(Condition::Field("score", Op::kGte, int64_t{700}));
    case 4:
      return One(Condition::Field("created_at", Op::kWithinLast,
                                  Duration{90, Duration::Unit::kDays}));
    case 5:
      return One(Condition::Field("mrr", Op::kBetween,
                                  std::vector<Scalar>{int64_t{300}, 499.99}));
    case 6:
      return One(
          Condition::Field("email", Op::kEndsWith, std::string("@gmail.com")));
    case 7:
      return One(Condition::Activity("email_open", Op::kDid, 17, 1, 30));
    case 8:
      return One(Condition::Any(
          {Condition::Field("country", Op::kEq, std::string("DE")),
           Condition::Field("tags", Op::kHas, std::string("vip")),
           Condition::Field("score", Op::kGte, int64_t{900})}));
    default: {
      SegmentDefinition d;
      d.filters = {
          Condition::Field("country", Op::kIn, Strings({"US", "CA"})),
          Condition::Not(Condition::Any(
              {Condition::Field("stage", Op::kIn, Strings({"churned", "lost"})),
               Condition::Field("tags", Op::kHas,
                                std::string("unsubscribed"))}))};
      return d;
    }
  }
}

const char* kCaseNames[] = {
    "five_conditions", "keyword_in",         "tag_has",
    "score_gte",       "created_within_90d", "mrr_between",
    "email_ends_with", "opened_17_in_30d",   "any_of_three",
    "in_and_not_any"};

// The count the slow, obvious way: every live row, every condition, one
// row at a time.
uint64_t RowByRowCount(const EngineCore& core, const SegmentDefinition& def) {
  auto plan = CompileFilters(def.filters, core.store().schema(),
                             [](std::string_view) -> std::optional<SegmentId> {
                               return std::nullopt;
                             });
  if (!plan.ok()) std::abort();
  const EvalContext ctx{core.store(), core.Now(), core};
  uint64_t rows = 0;
  ForEachRow(core.store().live(),
             [&](Row row) { rows += plan->Matches(ctx, row); });
  return rows;
}

void BM_Evaluate(benchmark::State& state) {
  EngineCore& core = SyntheticCore(state.range(1));
  const SegmentDefinition def = Case(static_cast<int>(state.range(0)));
  state.SetLabel(kCaseNames[state.range(0)]);
  const uint64_t expected = RowByRowCount(core, def);
  uint64_t count = 0;
  for (auto _ : state) {
    auto rows = core.EvaluateDefinition(def);
    count = rows->cardinality();
    benchmark::DoNotOptimize(count);
  }
  if (count != expected) std::abort();
  state.counters["members"] = static_cast<double>(count);
  state.counters["rows/s"] = benchmark::Counter(
      static_cast<double>(state.range(1)) * state.iterations(),
      benchmark::Counter::kIsRate);
}

template <typename T>
uint64_t Sum(std::span<const T> values) {
  uint64_t sum = 0;
  for (T v : values) sum += static_cast<uint64_t>(v);
  return sum;
}

// Reads every value of the columns once: 0 = score (int64), 1 = the five
// conditions' columns (country, tags, score, stage, email slots).
void BM_ScanFloor(benchmark::State& state) {
  EngineCore& core = SyntheticCore(state.range(1));
  const LeadStore& store = core.store();
  const Schema& schema = store.schema();
  auto field = [&](std::string_view name) { return *schema.Find(name); };
  const auto score = store.int_column(field("score")).values();
  uint64_t bytes_per_row = sizeof(int64_t);
  for (auto _ : state) {
    uint64_t sum = Sum(score);
    if (state.range(0) == 1) {
      sum += Sum(store.keyword_column(field("country")).codes());
      sum += Sum(store.keyword_column(field("stage")).codes());
      sum += Sum(store.tag_column(field("tags")).counts());
      sum += Sum(store.string_column(field("email")).slots());
    }
    benchmark::DoNotOptimize(sum);
  }
  if (state.range(0) == 1) bytes_per_row += 4 + 4 + 2 + 8;
  state.SetLabel(state.range(0) == 0 ? "score" : "five_condition_columns");
  state.counters["bytes/row"] = static_cast<double>(bytes_per_row);
  state.counters["rows/s"] = benchmark::Counter(
      static_cast<double>(state.range(1)) * state.iterations(),
      benchmark::Counter::kIsRate);
}

void Sizes(benchmark::internal::Benchmark* b, int cases) {
  for (int64_t leads : {1'000'000, 10'000'000}) {
    for (int c = 0; c < cases; ++c) b->Args({c, leads});
  }
  b->Unit(benchmark::kMillisecond);
}

BENCHMARK(BM_Evaluate)->Apply([](auto* b) { Sizes(b, 10); });
BENCHMARK(BM_ScanFloor)->Apply([](auto* b) { Sizes(b, 2); });

}  // namespace
}  // namespace audience::bench

BENCHMARK_MAIN();
