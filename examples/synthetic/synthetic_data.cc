#include "synthetic_data.h"

#include <array>
#include <charconv>
#include <cmath>
#include <string_view>

namespace audience::synthetic {

namespace {

// splitmix64: tiny, fast and identical on every platform.
class Random {
 public:
  explicit Random(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  uint64_t Below(uint64_t n) { return Next() % n; }
  double Unit() { return (Next() >> 11) * 0x1.0p-53; }
  bool Chance(double p) { return Unit() < p; }

 private:
  uint64_t state_;
};

template <size_t N>
std::string_view Weighted(
    Random& rng, const std::array<std::pair<std::string_view, int>, N>& table) {
  int total = 0;
  for (const auto& [v, w] : table) total += w;
  int pick = static_cast<int>(rng.Below(total));
  for (const auto& [v, w] : table) {
    if (pick < w) return v;
    pick -= w;
  }
  return table[0].first;
}

constexpr std::array<std::pair<std::string_view, int>, 16> kCountries = {{
    {"US", 30},
    {"GB", 10},
    {"DE", 8},
    {"FR", 7},
    {"CA", 6},
    {"ES", 5},
    {"IT", 5},
    {"NL", 4},
    {"BR", 4},
    {"IN", 4},
    {"AU", 4},
    {"SE", 3},
    {"PL", 3},
    {"JP", 3},
    {"MX", 2},
    {"us", 2},  // mixed case on purpose
}};
constexpr std::array<std::pair<std::string_view, int>, 6> kStages = {{
    {"lead", 40},
    {"mql", 25},
    {"sql", 15},
    {"opportunity", 10},
    {"customer", 8},
    {"churned", 2},
}};
constexpr std::array<std::pair<std::string_view, int>, 4> kPlans = {{
    {"free", 60},
    {"starter", 25},
    {"pro", 11},
    {"enterprise", 4},
}};
constexpr std::array<std::string_view, 20> kTags = {
    "newsletter", "vip",     "webinar",  "trial",        "enterprise",
    "smb",        "partner", "event",    "ebook",        "demo-request",
    "churn-risk", "beta",    "referral", "unsubscribed", "community",
    "podcast",    "api",     "mobile",   "agency",       "student"};
constexpr std::array<std::string_view, 8> kDomains = {
    "gmail.com",   "yahoo.com", "outlook.com", "acme.io",
    "example.org", "corp.com",  "mail.de",     "Company.co.uk"};
constexpr std::array<std::string_view, 12> kNames = {
    "alex", "sam", "maria", "li",  "omar", "eva",
    "jon",  "ana", "noah",  "mia", "ravi", "zoe"};

void AppendInt(std::string& out, int64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof(buf), v);
  out.append(buf, r.ptr);
}

constexpr int64_t kDay = 86400;

}  // namespace

absl::Status DefineFields(Engine& engine) {
  for (auto [name, type] : {std::pair{"plan", FieldType::kKeyword},
                            std::pair{"mrr", FieldType::kDouble},
                            std::pair{"opted_in", FieldType::kBool}}) {
    absl::Status status = engine.DefineField(name, type);
    if (!status.ok()) return status;
  }
  return absl::OkStatus();
}

std::string LeadsNdjson(const Options& options) {
  Random rng(options.seed);
  std::string out;
  out.reserve(options.leads * 190);
  for (uint64_t i = 0; i < options.leads; ++i) {
    out.append("{\"id\":");
    AppendInt(out, static_cast<int64_t>(i + 1));
    out.append(",\"email\":\"");
    out.append(kNames[rng.Below(kNames.size())]);
    out.push_back('.');
    AppendInt(out, static_cast<int64_t>(i));
    out.push_back('@');
    out.append(kDomains[rng.Below(kDomains.size())]);
    out.push_back('"');
    if (!rng.Chance(0.02)) {
      out.append(",\"country\":\"").append(Weighted(rng, kCountries));
      out.push_back('"');
    }
    if (!rng.Chance(0.01)) {
      out.append(",\"stage\":\"").append(Weighted(rng, kStages));
      out.push_back('"');
    }
    if (!rng.Chance(0.03)) {
      // Skewed: most leads score low, a long tail scores high.
      double u = rng.Unit();
      out.append(",\"score\":");
      AppendInt(out, static_cast<int64_t>(1000 * u * u));
    }
    out.append(",\"tags\":[");
    const int tag_count = static_cast<int>(rng.Below(5));
    for (int t = 0; t < tag_count; ++t) {
      if (t) out.push_back(',');
      // Zipf-ish: low indexes are much more common.
      double u = rng.Unit();
      size_t index = static_cast<size_t>(kTags.size() * u * u * u);
      out.push_back('"');
      out.append(kTags[index]);
      out.push_back('"');
    }
    out.append("],\"created_at\":");
    AppendInt(out,
              options.now - static_cast<int64_t>(rng.Below(3 * 365 * kDay)));
    out.append(",\"plan\":\"").append(Weighted(rng, kPlans));
    out.append("\",\"mrr\":");
    AppendInt(out, static_cast<int64_t>(rng.Below(500)));
    out.append(".");
    AppendInt(out, static_cast<int64_t>(rng.Below(100)));
    out.append(",\"opted_in\":");
    out.append(rng.Chance(0.7) ? "true" : "false");
    out.append("}\n");
  }
  return out;
}

std::string EventsNdjson(const Options& options) {
  Random rng(options.seed ^ 0x5EED);
  std::string out;
  out.reserve(
      static_cast<size_t>(options.leads * options.events_per_lead * 80));
  constexpr std::array<std::pair<std::string_view, int>, 4> kTypes = {{
      {"email_open", 50},
      {"page_visit", 25},
      {"email_click", 15},
      {"form_submit", 10},
  }};
  const uint64_t max_events =
      static_cast<uint64_t>(std::lround(2 * options.events_per_lead));
  for (uint64_t i = 0; i < options.leads; ++i) {
    const uint64_t n = rng.Below(max_events + 1);
    for (uint64_t e = 0; e < n; ++e) {
      std::string_view type = Weighted(rng, kTypes);
      out.append("{\"lead\":");
      AppendInt(out, static_cast<int64_t>(i + 1));
      out.append(",\"type\":\"").append(type);
      out.append("\",\"object\":");
      AppendInt(out, static_cast<int64_t>(
                         1 + rng.Below(type == "form_submit" ? 10 : 40)));
      out.append(",\"ts\":");
      AppendInt(out, options.now - static_cast<int64_t>(rng.Below(180 * kDay)));
      out.append("}\n");
    }
  }
  return out;
}

namespace {

Condition Field(std::string field, Op op, Operand value = {}) {
  return Condition::Field(std::move(field), op, std::move(value));
}
std::vector<Scalar> Strings(std::initializer_list<const char*> values) {
  std::vector<Scalar> out;
  for (const char* v : values) out.emplace_back(std::string(v));
  return out;
}

}  // namespace

SegmentDefinition FiveConditionSegment() {
  SegmentDefinition d;
  d.name = "US VIP prospects";
  d.is_public = true;
  d.filters = {
      Field("country", Op::kIn, Strings({"US", "CA"})),
      Field("tags", Op::kHas, std::string("vip")),
      Field("score", Op::kGte, int64_t{500}),
      Field("stage", Op::kNeq, std::string("customer")),
      Field("email", Op::kEndsWith, std::string(".com")),
  };
  return d;
}

std::vector<NamedSegment> DemoSegments() {
  std::vector<NamedSegment> out;
  auto add = [&](std::string name, std::string family,
                 std::vector<Condition> filters) {
    SegmentDefinition d;
    d.name = std::move(name);
    d.is_public = true;
    d.filters = std::move(filters);
    out.push_back({std::move(d), std::move(family)});
  };
  add("North America", "keyword in",
      {Field("country", Op::kIn, Strings({"US", "CA"}))});
  add("VIP", "tags has", {Field("tags", Op::kHas, std::string("vip"))});
  add("High score", "int64 gte", {Field("score", Op::kGte, int64_t{700})});
  add("New this quarter", "timestamp within_last",
      {Field("created_at", Op::kWithinLast,
             Duration{90, Duration::Unit::kDays})});
  add("Gmail users", "string ends_with",
      {Field("email", Op::kEndsWith, std::string("@gmail.com"))});
  add("Paying plans", "custom keyword in",
      {Field("plan", Op::kIn, Strings({"pro", "enterprise"}))});
  add("Opted in", "bool eq", {Field("opted_in", Op::kEq, true)});
  add("Big accounts", "double between",
      {Field("mrr", Op::kBetween, std::vector<Scalar>{int64_t{300}, 499.99})});
  add("Opened email 17 (30d)", "activity did, object, window",
      {Condition::Activity("email_open", Op::kDid, 17, 1, 30)});
  add("Form fans", "activity at_least",
      {Condition::Activity("form_submit", Op::kDid, std::nullopt, 3)});
  SegmentDefinition five = FiveConditionSegment();
  out.push_back({five, "5 conditions"});
  add("Warm EU leads", "5 conditions",
      {Field("country", Op::kIn, Strings({"DE", "FR", "GB", "ES", "IT", "NL"})),
       Field("score", Op::kBetween,
             std::vector<Scalar>{int64_t{300}, int64_t{800}}),
       Field("created_at", Op::kWithinLast,
             Duration{365, Duration::Unit::kDays}),
       Condition::Activity("email_open", Op::kDid, std::nullopt, 1, 60),
       Field("tags", Op::kHasNone, Strings({"unsubscribed", "churn-risk"}))});
  add("VIPs gone quiet", "segment refs + 4",
      {Condition::Segment("VIP", Op::kMember),
       Condition::Segment("Opened email 17 (30d)", Op::kNotMember),
       Condition::Activity("email_click", Op::kDidNot, std::nullopt, 1, 90),
       Field("stage", Op::kNotIn, Strings({"customer", "churned"})),
       Field("email", Op::kNotContains, std::string("student")),
       Field("mrr", Op::kGt, int64_t{100})});
  add("Reachable NA prospects", "nested groups",
      {Field("country", Op::kIn, Strings({"US", "CA"})),
       Condition::Any({Field("tags", Op::kHas, std::string("vip")),
                       Field("score", Op::kGte, int64_t{500})}),
       Condition::Not(Condition::Any(
           {Field("stage", Op::kIn, Strings({"churned", "lost"})),
            Field("tags", Op::kHas, std::string("unsubscribed"))}))});
  return out;
}

absl::StatusOr<std::unique_ptr<Engine>> BuildEngine(const Options& options) {
  absl::StatusOr<std::unique_ptr<Engine>> engine =
      Engine::Open(EngineOptions{});
  if (!engine.ok()) return engine;
  absl::Status status = DefineFields(**engine);
  if (!status.ok()) return status;
  if (absl::StatusOr<MutationResult> r = (*engine)->AdvanceClock(options.now);
      !r.ok()) {
    return r.status();
  }
  if (auto r = (*engine)->LoadLeads(LeadsNdjson(options)); !r.ok()) {
    return r.status();
  }
  if (auto r = (*engine)->LoadEvents(EventsNdjson(options)); !r.ok()) {
    return r.status();
  }
  return engine;
}

}  // namespace audience::synthetic
