#include "audience/audience.h"

int main() {
  auto engine = audience::Engine::Open(audience::EngineOptions{});
  if (!engine.ok()) return 1;
  audience::SegmentDefinition def;
  def.name = "Everyone scored";
  def.filters = {audience::Condition::Field("score", audience::Op::kNotEmpty)};
  auto created = (*engine)->CreateSegment(def);
  return created.ok() ? 0 : 1;
}
