// The small registry of segment categories.
#ifndef AUDIENCE_ENGINE_CATEGORY_REGISTRY_H_
#define AUDIENCE_ENGINE_CATEGORY_REGISTRY_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "audience/segment.h"
#include "engine/name_index.h"

namespace audience {

class CategoryRegistry {
 public:
  absl::StatusOr<CategoryId> Create(std::string_view name);
  // Renaming to a name equal but for case just changes the spelling.
  absl::Status Rename(CategoryId id, std::string_view new_name);
  void Remove(CategoryId id);

  // NOT_FOUND for an unknown name ("" included).
  absl::StatusOr<CategoryId> Lookup(std::string_view name) const {
    return names_.Lookup(name);
  }
  const std::string& name(CategoryId id) const { return by_id_.at(id); }
  std::vector<Category> List() const;

  // Snapshot restore: `name` must be valid and free, `id` below next_id().
  void Restore(CategoryId id, std::string name);
  CategoryId next_id() const { return next_id_; }
  void set_next_id(CategoryId next) { next_id_ = next; }

 private:
  std::map<CategoryId, std::string> by_id_;
  NameIndex<CategoryId> names_{"category"};
  CategoryId next_id_ = 1;
};

}  // namespace audience

#endif  // AUDIENCE_ENGINE_CATEGORY_REGISTRY_H_
