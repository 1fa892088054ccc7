// Case-insensitive unique names (segments, categories, campaigns): trimmed,
// 1..200 characters, looked up with ASCII case folding.
#ifndef AUDIENCE_ENGINE_NAME_INDEX_H_
#define AUDIENCE_ENGINE_NAME_INDEX_H_

#include <optional>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "util/str_cat.h"
#include "util/text.h"

namespace audience {

template <typename Id>
class NameIndex {
 public:
  // `what` names the kind in errors ("segment", "category").
  explicit NameIndex(std::string_view what) : what_(what) {}

  // The trimmed name if it is valid and free (or taken by `self`);
  // INVALID_ARGUMENT or ALREADY_EXISTS otherwise.
  absl::StatusOr<std::string> Check(std::string_view name,
                                    std::optional<Id> self) const {
    absl::StatusOr<std::string> trimmed =
        NormalizeName(name, StrCat(what_, " name"));
    if (!trimmed.ok()) return trimmed.status();
    std::optional<Id> owner = Find(*trimmed);
    if (owner && owner != self) {
      return absl::AlreadyExistsError(
          StrCat(what_, " ", Quote(*trimmed), " already exists"));
    }
    return trimmed;
  }

  // Looks the trimmed name up, ignoring ASCII case.
  std::optional<Id> Find(std::string_view name) const {
    auto it = ids_.find(FoldAscii(TrimAscii(name)));
    if (it == ids_.end()) return std::nullopt;
    return it->second;
  }

  // NOT_FOUND: unknown <what> "<name>".
  absl::StatusOr<Id> Lookup(std::string_view name) const {
    std::optional<Id> id = Find(name);
    if (!id) {
      return absl::NotFoundError(StrCat("unknown ", what_, " ", Quote(name)));
    }
    return *id;
  }

  void Insert(std::string_view name, Id id) { ids_[FoldAscii(name)] = id; }
  void Erase(std::string_view name) { ids_.erase(FoldAscii(name)); }

 private:
  std::string what_;
  absl::flat_hash_map<std::string, Id> ids_;
};

}  // namespace audience

#endif  // AUDIENCE_ENGINE_NAME_INDEX_H_
