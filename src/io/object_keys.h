// The keys of one JSON object, to find one that repeats: both JSON readers
// (the protocol's DOM, the bulk loaders' On Demand) reject an object that
// names a key twice (docs/decisions.md, "Duplicate keys").
#ifndef AUDIENCE_IO_OBJECT_KEYS_H_
#define AUDIENCE_IO_OBJECT_KEYS_H_

#include <cstddef>
#include <functional>
#include <string_view>

#include "absl/container/flat_hash_set.h"
#include "absl/container/inlined_vector.h"
#include "absl/status/status.h"

namespace audience {

// Thread safety: none needed, one per object being read.
// Invariants: keys live in `small_` until there are kSmall of them, then
// all of them in `large_`.
class ObjectKeys {
 public:
  // Adds `key` (unescaped); false if the object already had it. The views
  // must stay valid while this object is used (the parser's buffers do).
  // Cost: a scan of a few keys, then a hash lookup.
  bool Insert(std::string_view key) {
    if (large_.empty()) {
      for (std::string_view k : small_) {
        if (k == key) return false;
      }
      if (small_.size() < kSmall) {
        small_.push_back(key);
        return true;
      }
      large_.insert(small_.begin(), small_.end());
    }
    return large_.insert(key).second;
  }

 private:
  static constexpr size_t kSmall = 16;
  absl::InlinedVector<std::string_view, kSmall> small_;
  // std::hash: Debian's absl::Hash does not take std::string_view.
  absl::flat_hash_set<std::string_view, std::hash<std::string_view>> large_;
};

// INVALID_ARGUMENT for a key an object names twice, with the path of the
// object when it is not the document itself: `lead: duplicate key "score"`.
absl::Status DuplicateKey(std::string_view path, std::string_view key);

}  // namespace audience

#endif  // AUDIENCE_IO_OBJECT_KEYS_H_
