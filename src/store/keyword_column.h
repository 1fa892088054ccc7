// Keyword values: a dictionary code per row plus an inverted index from
// term (case-folded value) to the rows holding it, so eq / in are bitmap
// lookups.
#ifndef AUDIENCE_STORE_KEYWORD_COLUMN_H_
#define AUDIENCE_STORE_KEYWORD_COLUMN_H_

#include <cstdint>
#include <span>
#include <vector>

#include "store/column.h"
#include "store/term_dictionary.h"

namespace audience {

// Invariants: codes_[row] is 0 for an empty row, else spelling id + 1;
// row is in postings_[t] iff its spelling's term is t; present_ is the union
// of the postings.
class KeywordColumn final : public Column {
 public:
  void Resize(Row rows) override;
  void Set(Row row, const FieldInput& value) override;
  void Clear(Row row) override;
  Value Get(Row row) const override;
  void FinishDeferred(Row end) override;
  const Roaring& present() const override { return present_; }
  size_t MemoryBytes() const override;
  void EncodeTo(Encoder& e) const override;
  void DecodeFrom(Decoder& d, const Roaring& live) override;

  const TermDictionary& dictionary() const { return dictionary_; }
  // Rows whose value equals `term`; REQUIRES: term < term_count().
  const Roaring& postings(uint32_t term) const { return postings_[term]; }
  // Every row's code: 0 when empty, else spelling id + 1.
  std::span<const uint32_t> codes() const { return codes_; }
  // The term of the row's value, or nullopt when empty.
  std::optional<uint32_t> TermAt(Row row) const {
    uint32_t code = codes_[row];
    if (code == 0) return std::nullopt;
    return dictionary_.term_of(code - 1);
  }

 private:
  TermDictionary dictionary_;
  std::vector<uint32_t> codes_;
  std::vector<Roaring> postings_;
  Roaring present_;
};

}  // namespace audience

#endif  // AUDIENCE_STORE_KEYWORD_COLUMN_H_
