// Helpers of the public Value type (lead.h).
#include "audience/lead.h"

namespace audience {

bool IsEmptyValue(const Value& value) {
  if (std::holds_alternative<std::monostate>(value)) return true;
  if (const auto* s = std::get_if<std::string>(&value)) return s->empty();
  if (const auto* tags = std::get_if<TagList>(&value)) {
    for (const std::string& tag : *tags) {
      if (!tag.empty()) return false;
    }
    return true;
  }
  return false;
}

}  // namespace audience
