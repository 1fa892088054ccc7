#include "engine/category_registry.h"

#include "util/status_macros.h"

namespace audience {

absl::StatusOr<CategoryId> CategoryRegistry::Create(std::string_view name) {
  ASSIGN_OR_RETURN(std::string checked, names_.Check(name, std::nullopt));
  CategoryId id = next_id_++;
  names_.Insert(checked, id);
  by_id_.emplace(id, std::move(checked));
  return id;
}

absl::Status CategoryRegistry::Rename(CategoryId id,
                                      std::string_view new_name) {
  ASSIGN_OR_RETURN(std::string checked, names_.Check(new_name, id));
  names_.Erase(by_id_[id]);
  names_.Insert(checked, id);
  by_id_[id] = std::move(checked);
  return absl::OkStatus();
}

void CategoryRegistry::Remove(CategoryId id) {
  auto it = by_id_.find(id);
  if (it == by_id_.end()) return;
  names_.Erase(it->second);
  by_id_.erase(it);
}

std::vector<Category> CategoryRegistry::List() const {
  std::vector<Category> out;
  for (const auto& [id, name] : by_id_) out.push_back(Category{id, name});
  return out;
}

void CategoryRegistry::Restore(CategoryId id, std::string name) {
  names_.Insert(name, id);
  by_id_.emplace(id, std::move(name));
}

}  // namespace audience
