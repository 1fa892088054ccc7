// Tag sets: each row's tags (as dictionary ids) in a shared pool, plus an
// inverted index from term to rows, so has / has_any / has_all are bitmap
// operations.
#ifndef AUDIENCE_STORE_TAG_COLUMN_H_
#define AUDIENCE_STORE_TAG_COLUMN_H_

#include <cstdint>
#include <span>
#include <vector>

#include "store/column.h"
#include "store/term_dictionary.h"

namespace audience {

// Invariants: a row's tags are distinct terms (the first spelling given
// wins); row is in postings_[t] iff one of its tags has term t; present_ holds
// the rows with at least one tag. Rewritten lists leave garbage in pool_,
// compacted by Maintain().
class TagColumn final : public Column {
 public:
  void Resize(Row rows) override;
  // Drops "" tags and case-insensitive duplicates.
  void Set(Row row, const FieldInput& value) override;
  void Clear(Row row) override;
  Value Get(Row row) const override;
  void FinishDeferred(Row end) override;
  const Roaring& present() const override { return present_; }
  void Maintain() override;
  size_t MemoryBytes() const override;
  void EncodeTo(Encoder& e) const override;
  void DecodeFrom(Decoder& d, const Roaring& live) override;

  const TermDictionary& dictionary() const { return dictionary_; }
  const Roaring& postings(uint32_t term) const { return postings_[term]; }
  // The row's tags as spelling ids.
  std::span<const uint32_t> SpellingsAt(Row row) const {
    return {pool_.data() + start_[row], count_[row]};
  }
  bool HasTerm(Row row, uint32_t term) const;
  // Every row's tag count.
  std::span<const uint16_t> counts() const { return count_; }

 private:
  TermDictionary dictionary_;
  std::vector<uint32_t> pool_;
  std::vector<uint32_t> start_;
  std::vector<uint16_t> count_;
  std::vector<Roaring> postings_;
  Roaring present_;
  size_t garbage_ = 0;
};

}  // namespace audience

#endif  // AUDIENCE_STORE_TAG_COLUMN_H_
