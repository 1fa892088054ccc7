#include "store/keyword_column.h"

#include <string>

namespace audience {

void KeywordColumn::Resize(Row rows) { codes_.resize(rows, 0); }

void KeywordColumn::Set(Row row, const FieldInput& value) {
  const auto* text = std::get_if<std::string_view>(&value);
  if (text == nullptr || text->empty()) {
    Clear(row);
    return;
  }
  uint32_t spelling = dictionary_.Intern(*text);
  if (Deferred(row)) {
    codes_[row] = spelling + 1;
    return;
  }
  if (codes_[row] == spelling + 1) return;
  Clear(row);
  uint32_t term = dictionary_.term_of(spelling);
  if (term >= postings_.size()) postings_.resize(term + 1);
  postings_[term].add(row);
  present_.add(row);
  codes_[row] = spelling + 1;
}

void KeywordColumn::Clear(Row row) {
  if (row >= codes_.size() || codes_[row] == 0) return;
  if (Deferred(row)) {
    codes_[row] = 0;
    return;
  }
  postings_[dictionary_.term_of(codes_[row] - 1)].remove(row);
  present_.remove(row);
  codes_[row] = 0;
}

void KeywordColumn::FinishDeferred(Row end) {
  const Row first = deferred_from_;
  deferred_from_ = kNotDeferred;
  if (first >= end) return;
  RowGroups groups;
  std::vector<uint32_t> present;
  for (Row row = first; row < end; ++row) {
    if (codes_[row] == 0) continue;
    groups.Add(dictionary_.term_of(codes_[row] - 1), row);
    present.push_back(row);
  }
  if (postings_.size() < dictionary_.term_count()) {
    postings_.resize(dictionary_.term_count());
  }
  groups.AddTo(&postings_);
  AddSortedRows(present.data(), present.size(), &present_);
}

Value KeywordColumn::Get(Row row) const {
  if (codes_[row] == 0) return std::monostate{};
  return std::string(dictionary_.spelling(codes_[row] - 1));
}

size_t KeywordColumn::MemoryBytes() const {
  size_t bytes = codes_.capacity() * sizeof(uint32_t) +
                 dictionary_.MemoryBytes() + BitmapBytes(present_);
  for (const Roaring& r : postings_) bytes += sizeof(Roaring) + BitmapBytes(r);
  return bytes;
}

}  // namespace audience
