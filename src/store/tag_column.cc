#include "store/tag_column.h"

#include <algorithm>
#include <string>

#include "absl/container/inlined_vector.h"

namespace audience {

void TagColumn::Resize(Row rows) {
  start_.resize(rows, 0);
  count_.resize(rows, 0);
}

bool TagColumn::HasTerm(Row row, uint32_t term) const {
  for (uint32_t spelling : SpellingsAt(row)) {
    if (dictionary_.term_of(spelling) == term) return true;
  }
  return false;
}

void TagColumn::Set(Row row, const FieldInput& value) {
  const auto* tags = std::get_if<TagInput>(&value);
  // Build the new list first: the old one stays readable until replaced.
  absl::InlinedVector<uint32_t, 8> spellings;
  if (tags != nullptr) {
    for (std::string_view tag : *tags) {
      if (tag.empty()) continue;
      uint32_t id = dictionary_.Intern(tag);
      uint32_t term = dictionary_.term_of(id);
      bool seen = std::any_of(
          spellings.begin(), spellings.end(),
          [&](uint32_t other) { return dictionary_.term_of(other) == term; });
      if (!seen) spellings.push_back(id);
    }
  }
  Clear(row);
  if (spellings.empty()) return;
  if (postings_.size() < dictionary_.term_count()) {
    postings_.resize(dictionary_.term_count());
  }
  start_[row] = static_cast<uint32_t>(pool_.size());
  count_[row] = static_cast<uint16_t>(spellings.size());
  pool_.insert(pool_.end(), spellings.begin(), spellings.end());
  if (Deferred(row)) return;
  for (uint32_t id : spellings) postings_[dictionary_.term_of(id)].add(row);
  present_.add(row);
}

void TagColumn::Clear(Row row) {
  if (row >= count_.size() || count_[row] == 0) return;
  if (!Deferred(row)) {
    for (uint32_t id : SpellingsAt(row)) {
      postings_[dictionary_.term_of(id)].remove(row);
    }
    present_.remove(row);
  }
  garbage_ += count_[row];
  count_[row] = 0;
  start_[row] = 0;
}

void TagColumn::FinishDeferred(Row end) {
  const Row first = deferred_from_;
  deferred_from_ = kNotDeferred;
  if (first >= end) return;
  RowGroups groups;
  std::vector<uint32_t> present;
  for (Row row = first; row < end; ++row) {
    if (count_[row] == 0) continue;
    for (uint32_t id : SpellingsAt(row))
      groups.Add(dictionary_.term_of(id), row);
    present.push_back(row);
  }
  groups.AddTo(&postings_);
  AddSortedRows(present.data(), present.size(), &present_);
}

Value TagColumn::Get(Row row) const {
  if (count_[row] == 0) return std::monostate{};
  TagList tags;
  for (uint32_t id : SpellingsAt(row)) {
    tags.emplace_back(dictionary_.spelling(id));
  }
  return tags;
}

void TagColumn::Maintain() {
  if (garbage_ < (1u << 18) || garbage_ * 2 < pool_.size()) return;
  std::vector<uint32_t> compacted;
  compacted.reserve(pool_.size() - garbage_);
  for (size_t row = 0; row < start_.size(); ++row) {
    if (count_[row] == 0) continue;
    uint32_t start = static_cast<uint32_t>(compacted.size());
    auto tags = SpellingsAt(static_cast<Row>(row));
    compacted.insert(compacted.end(), tags.begin(), tags.end());
    start_[row] = start;
  }
  pool_.swap(compacted);
  pool_.shrink_to_fit();
  garbage_ = 0;
}

size_t TagColumn::MemoryBytes() const {
  size_t bytes = pool_.capacity() * sizeof(uint32_t) +
                 start_.capacity() * sizeof(uint32_t) +
                 count_.capacity() * sizeof(uint16_t) +
                 dictionary_.MemoryBytes() + BitmapBytes(present_);
  for (const Roaring& r : postings_) bytes += sizeof(Roaring) + BitmapBytes(r);
  return bytes;
}

}  // namespace audience
