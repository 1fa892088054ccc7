#include "util/str_cat.h"

namespace audience {

void AppendPieces(std::string* out, std::initializer_list<StrPiece> pieces) {
  size_t total = out->size();
  for (const StrPiece& p : pieces) total += p.view().size();
  out->reserve(total);
  for (const StrPiece& p : pieces) out->append(p.view());
}

}  // namespace audience
