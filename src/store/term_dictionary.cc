#include "store/term_dictionary.h"

#include "util/text.h"

namespace audience {

uint32_t TermDictionary::Intern(std::string_view spelling) {
  auto it = by_spelling_.find(AbslView(spelling));
  if (it != by_spelling_.end()) return it->second;
  uint32_t id = static_cast<uint32_t>(spellings_.size());
  auto [folded, inserted] = by_folded_.try_emplace(FoldAscii(spelling), 0);
  if (inserted) folded->second = term_count_++;
  spellings_.emplace_back(spelling);
  term_of_.push_back(folded->second);
  by_spelling_.emplace(std::string(spelling), id);
  return id;
}

std::optional<uint32_t> TermDictionary::FindTerm(std::string_view value) const {
  auto it = by_folded_.find(FoldAscii(value));
  if (it == by_folded_.end()) return std::nullopt;
  return it->second;
}

size_t TermDictionary::MemoryBytes() const {
  size_t bytes = term_of_.capacity() * sizeof(uint32_t);
  for (const std::string& s : spellings_) bytes += sizeof(s) + s.capacity();
  // Each spelling is held by spellings_ and both maps.
  bytes += (by_spelling_.capacity() + by_folded_.capacity()) *
           (sizeof(std::string) + sizeof(uint32_t) + 1);
  return bytes;
}

}  // namespace audience
