#include "io/object_keys.h"

#include "util/str_cat.h"
#include "util/text.h"

namespace audience {

absl::Status DuplicateKey(std::string_view path, std::string_view key) {
  return absl::InvalidArgumentError(
      StrCat(path, path.empty() ? "" : ": ", "duplicate key ", Quote(key)));
}

}  // namespace audience
