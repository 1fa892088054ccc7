#include "bench_data.h"

#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "synthetic_data.h"

namespace audience::bench {

namespace {

const std::vector<std::string> kCountries = {"US", "GB", "DE", "FR", "CA",
                                             "ES", "IT", "NL", "BR", "IN"};
const std::vector<std::string> kStages = {"lead", "mql", "sql", "opportunity",
                                          "customer"};
const std::vector<std::string> kTags = {"newsletter", "vip",   "webinar",
                                        "trial",      "smb",   "partner",
                                        "event",      "ebook", "beta"};
const std::vector<std::string> kPlans = {"free", "starter", "pro",
                                         "enterprise"};

// Random picks for the segment mixes, from one generator.
struct Draw {
  std::mt19937_64& rng;
  const std::string& Pick(const std::vector<std::string>& v) {
    return v[rng() % v.size()];
  }
  // In [lo, hi).
  int64_t Between(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(rng() % static_cast<uint64_t>(hi - lo));
  }
};

}  // namespace

uint64_t EnvOr(const char* name, uint64_t fallback) {
  const char* v = std::getenv(name);
  return v != nullptr ? std::strtoull(v, nullptr, 10) : fallback;
}

Condition Field(std::string field, Op op, Operand value) {
  return Condition::Field(std::move(field), op, std::move(value));
}

SegmentDefinition MixedSegment(int i, int total, std::mt19937_64& rng) {
  Draw draw{rng};
  SegmentDefinition d;
  d.name = "segment " + std::to_string(i);
  std::vector<Condition>& f = d.filters;
  if (i < total / 10) {  // score
    const int64_t t = draw.Between(0, 1000);
    switch (i % 4) {
      case 0:
        f.push_back(Field("score", Op::kGte, t));
        break;
      case 1:
        f.push_back(Field("score", Op::kLt, t));
        break;
      case 2:
        f.push_back(Field("score", Op::kBetween,
                          std::vector<Scalar>{t, t + draw.Between(10, 200)}));
        break;
      default:
        f.push_back(Field("score", Op::kGte, t));
        f.push_back(Field("country", Op::kEq, draw.Pick(kCountries)));
    }
  } else if (i < total / 10 + total / 100) {  // clock windows
    if (i % 2 == 0) {
      f.push_back(Field("created_at", Op::kWithinLast,
                        Duration{draw.Between(1, 120), Duration::Unit::kDays}));
    } else {
      f.push_back(Condition::Activity(
          draw.Pick({"email_open", "page_visit", "email_click", "form_submit"}),
          Op::kDid, std::nullopt, 1, draw.Between(1, 30)));
    }
  } else {
    switch (i % 6) {
      case 0:
        f.push_back(Field("country", Op::kEq, draw.Pick(kCountries)));
        f.push_back(Field("stage", Op::kNeq, draw.Pick(kStages)));
        break;
      case 1:
        f.push_back(Field("tags", Op::kHas, draw.Pick(kTags)));
        f.push_back(Field("stage", Op::kEq, draw.Pick(kStages)));
        break;
      case 2:
        f.push_back(
            Field("plan", Op::kIn,
                  std::vector<Scalar>{draw.Pick(kPlans), draw.Pick(kPlans)}));
        f.push_back(Field("country", Op::kEq, draw.Pick(kCountries)));
        break;
      case 3:
        f.push_back(Field("opted_in", Op::kEq, true));
        f.push_back(
            Field("tags", Op::kHasAny,
                  std::vector<Scalar>{draw.Pick(kTags), draw.Pick(kTags)}));
        break;
      case 4:
        f.push_back(
            Field("mrr", Op::kGte, static_cast<double>(draw.Between(0, 500))));
        f.push_back(Field("plan", Op::kNeq, draw.Pick(kPlans)));
        break;
      default:
        f.push_back(Field("email", Op::kEndsWith,
                          draw.Pick({".com", ".io", ".org", ".de"})));
        f.push_back(Field(
            "country", Op::kIn,
            std::vector<Scalar>{draw.Pick(kCountries), draw.Pick(kCountries)}));
    }
  }
  return d;
}

void Must(const absl::Status& status) {
  if (!status.ok()) {
    std::fprintf(stderr, "%s\n", std::string(status.message()).c_str());
    std::abort();
  }
}

SegmentDefinition GroupedSegment(int i, int total, std::mt19937_64& rng) {
  Draw draw{rng};
  SegmentDefinition d;
  d.name = "grouped " + std::to_string(i);
  if (i < total / 10) {  // in place of a score segment: score inside groups
    const int64_t t = draw.Between(0, 1000);
    switch (i % 4) {
      case 0:  // a bound inside an any
        d.filters = {
            Condition::Any({Field("score", Op::kGte, t),
                            Field("tags", Op::kHas, draw.Pick(kTags))})};
        break;
      case 1:  // a range beside a not
        d.filters = {Condition::All(
            {Field("score", Op::kBetween,
                   std::vector<Scalar>{t, t + draw.Between(10, 200)}),
             Condition::Not(Field("stage", Op::kEq, draw.Pick(kStages)))})};
        break;
      case 2:  // a negated any of a bound and a tag, beside a keyword
        d.filters = {Field("country", Op::kEq, draw.Pick(kCountries)),
                     Condition::Not(Condition::Any(
                         {Field("score", Op::kLt, t),
                          Field("tags", Op::kHas, draw.Pick(kTags))}))};
        break;
      default:  // nested: any of two alls
        d.filters = {Condition::Any(
            {Condition::All({Field("score", Op::kGte, t),
                             Field("plan", Op::kEq, draw.Pick(kPlans))}),
             Condition::All({Field("score", Op::kLt, draw.Between(0, 300)),
                             Field("opted_in", Op::kEq, true)})})};
    }
    return d;
  }
  // In place of a two-condition mixed segment: the same fields, grouped.
  switch (i % 3) {
    case 0:
      d.filters = {
          Condition::Any({Field("country", Op::kEq, draw.Pick(kCountries)),
                          Field("tags", Op::kHas, draw.Pick(kTags))})};
      break;
    case 1:
      d.filters = {
          Field("plan", Op::kIn,
                std::vector<Scalar>{draw.Pick(kPlans), draw.Pick(kPlans)}),
          Condition::Not(Field("stage", Op::kEq, draw.Pick(kStages)))};
      break;
    default:
      d.filters = {Condition::Not(Condition::Any(
          {Field("tags", Op::kHas, draw.Pick(kTags)),
           Condition::All(
               {Field("opted_in", Op::kEq, true),
                Field("country", Op::kEq, draw.Pick(kCountries))})}))};
  }
  return d;
}

EngineCore& SyntheticCore(uint64_t leads, int instance) {
  static auto* cores =
      new std::map<std::pair<uint64_t, int>, std::unique_ptr<EngineCore>>();
  auto it = cores->find({leads, instance});
  if (it != cores->end()) return *it->second;
  synthetic::Options options;
  options.leads = leads;
  auto core = std::make_unique<EngineCore>(EngineOptions{.now = options.now});
  for (auto [name, type] : {std::pair{"plan", FieldType::kKeyword},
                            std::pair{"mrr", FieldType::kDouble},
                            std::pair{"opted_in", FieldType::kBool}}) {
    if (!core->DefineField(name, type).ok()) std::abort();
  }
  std::fprintf(stderr, "building %llu synthetic leads...\n",
               static_cast<unsigned long long>(leads));
  if (!core->LoadLeads(synthetic::LeadsNdjson(options), "leads").ok() ||
      !core->LoadEvents(synthetic::EventsNdjson(options), "events").ok()) {
    std::abort();
  }
  return *cores->emplace(std::pair{leads, instance}, std::move(core))
              .first->second;
}

}  // namespace audience::bench
