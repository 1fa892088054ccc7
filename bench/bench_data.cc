#include "bench_data.h"

#include <cstdio>
#include <cstdlib>
#include <map>

#include "synthetic_data.h"

namespace audience::bench {

EngineCore& SyntheticCore(uint64_t leads) {
  static auto* cores = new std::map<uint64_t, std::unique_ptr<EngineCore>>();
  auto it = cores->find(leads);
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
  return *cores->emplace(leads, std::move(core)).first->second;
}

}  // namespace audience::bench
