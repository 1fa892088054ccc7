// Interned text values of keyword and tag columns. Each exact spelling gets
// an id (kept for display); spellings equal under ASCII case folding share a
// term, the unit that conditions match and inverted indexes are keyed by.
#ifndef AUDIENCE_STORE_TERM_DICTIONARY_H_
#define AUDIENCE_STORE_TERM_DICTIONARY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"

namespace audience {

class TermDictionary {
 public:
  // The spelling's id, interning it (and its term) on first sight.
  uint32_t Intern(std::string_view spelling);

  std::string_view spelling(uint32_t spelling_id) const {
    return spellings_[spelling_id];
  }
  uint32_t term_of(uint32_t spelling_id) const { return term_of_[spelling_id]; }
  // The term of a value in any case, if some lead ever had it.
  std::optional<uint32_t> FindTerm(std::string_view value) const;
  size_t term_count() const { return term_count_; }
  size_t spelling_count() const { return spellings_.size(); }
  size_t MemoryBytes() const;

 private:
  std::vector<std::string> spellings_;
  std::vector<uint32_t> term_of_;
  absl::flat_hash_map<std::string, uint32_t> by_spelling_;
  absl::flat_hash_map<std::string, uint32_t> by_folded_;
  uint32_t term_count_ = 0;
};

}  // namespace audience

#endif  // AUDIENCE_STORE_TERM_DICTIONARY_H_
