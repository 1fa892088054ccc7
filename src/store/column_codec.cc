// The columns' snapshot forms. Each writes its arrays as they are held —
// the values of present rows in row order, dictionaries in id order with
// the codes that point into them — so that restoring 10M rows is a few
// copies per column rather than a Set per value. Everything read is
// checked before it can be used as an index, and the derived state a query
// relies on (present bitmaps, postings, bucket codes) is rebuilt, never
// trusted.
#include <algorithm>
#include <cmath>

#include "absl/container/inlined_vector.h"
#include "persist/codec.h"
#include "store/bool_column.h"
#include "store/field_input.h"
#include "store/keyword_column.h"
#include "store/numeric_column.h"
#include "store/string_column.h"
#include "store/tag_column.h"
#include "util/str_cat.h"

namespace audience {

namespace {

// The rows holding values: a subset of the live rows.
Roaring DecodeRows(Decoder& d, const Roaring& live) {
  Roaring rows = d.Bitmap();
  if (d.ok() && !IsSubset(rows, live))
    d.Fail("values of rows that are not live");
  return d.ok() ? std::move(rows) : Roaring();
}

template <typename T, typename ValueOf>
void EncodeValues(const Roaring& rows, ValueOf value_of, Encoder& e) {
  std::vector<T> values;
  values.reserve(static_cast<size_t>(rows.cardinality()));
  ForEachRow(rows, [&](Row row) { values.push_back(value_of(row)); });
  e.Array(std::span<const T>(values));
}

void EncodeDictionary(const TermDictionary& dictionary, Encoder& e) {
  e.Varint(dictionary.spelling_count());
  for (uint32_t id = 0; id < dictionary.spelling_count(); ++id) {
    e.Bytes(dictionary.spelling(id));
  }
}

// Interns the spellings in the order they were saved, so that they get
// their saved ids.
void DecodeDictionary(Decoder& d, TermDictionary& dictionary) {
  const size_t n = d.Count(1);
  for (size_t id = 0; id < n && d.ok(); ++id) {
    std::string_view spelling = d.Bytes();
    if (spelling.empty() || spelling.size() > kMaxStringBytes) {
      d.Fail(StrCat("bad dictionary entry ", id));
    } else if (dictionary.Intern(spelling) != id) {
      d.Fail(StrCat("dictionary entry ", id, " repeats an earlier one"));
    }
  }
}

}  // namespace

template <typename T>
void NumericColumn<T>::EncodeTo(Encoder& e) const {
  e.Bitmap(present_);
  EncodeValues<T>(
      present_, [&](Row row) { return values_[row]; }, e);
}

template <typename T>
void NumericColumn<T>::DecodeFrom(Decoder& d, const Roaring& live) {
  Roaring present = DecodeRows(d, live);
  const PackedArray<T> values = d.Array<T>(present.cardinality());
  if (!d.ok()) return;
  size_t i = 0;
  ForEachRow(present, [&](Row row) {
    T v = values[i++];
    if constexpr (std::is_same_v<T, double>) {
      if (std::isnan(v)) d.Fail("NaN value");
      if (v == 0) v = 0;  // folds -0.0 into 0.0, as Set does
    }
    values_[row] = v;
  });
  present_ = std::move(present);
  codes_.Rebuild(present_, [this](Row row) { return KeyAt(row); });
}

template void NumericColumn<int64_t>::EncodeTo(Encoder&) const;
template void NumericColumn<int64_t>::DecodeFrom(Decoder&, const Roaring&);
template void NumericColumn<double>::EncodeTo(Encoder&) const;
template void NumericColumn<double>::DecodeFrom(Decoder&, const Roaring&);

void KeywordColumn::EncodeTo(Encoder& e) const {
  EncodeDictionary(dictionary_, e);
  e.Bitmap(present_);
  EncodeValues<uint32_t>(
      present_, [&](Row row) { return codes_[row] - 1; }, e);
}

void KeywordColumn::DecodeFrom(Decoder& d, const Roaring& live) {
  DecodeDictionary(d, dictionary_);
  const Roaring present = DecodeRows(d, live);
  const PackedArray<uint32_t> spellings =
      d.Array<uint32_t>(present.cardinality());
  if (!d.ok()) return;
  size_t i = 0;
  ForEachRow(present, [&](Row row) {
    const uint32_t spelling = spellings[i++];
    if (spelling >= dictionary_.spelling_count()) {
      d.Fail(StrCat("row ", row, ": no dictionary entry ", spelling));
      return;
    }
    codes_[row] = spelling + 1;
  });
  if (!d.ok()) return;
  deferred_from_ = 0;  // postings and present rows in one ordered pass
  FinishDeferred(static_cast<Row>(codes_.size()));
}

void TagColumn::EncodeTo(Encoder& e) const {
  EncodeDictionary(dictionary_, e);
  e.Bitmap(present_);
  EncodeValues<uint16_t>(
      present_, [&](Row row) { return count_[row]; }, e);
  std::vector<uint32_t> pool;
  ForEachRow(present_, [&](Row row) {
    std::span<const uint32_t> tags = SpellingsAt(row);
    pool.insert(pool.end(), tags.begin(), tags.end());
  });
  e.Varint(pool.size());
  e.Array(std::span<const uint32_t>(pool));
}

void TagColumn::DecodeFrom(Decoder& d, const Roaring& live) {
  DecodeDictionary(d, dictionary_);
  const Roaring present = DecodeRows(d, live);
  const PackedArray<uint16_t> counts = d.Array<uint16_t>(present.cardinality());
  std::vector<uint32_t> pool = d.Array<uint32_t>(d.Varint()).ToVector();
  if (!d.ok()) return;
  size_t i = 0;
  uint32_t start = 0;
  absl::InlinedVector<uint32_t, 16> terms;
  ForEachRow(present, [&](Row row) {
    if (!d.ok()) return;
    const uint16_t count = counts[i++];
    if (count == 0 || count > kMaxTagsPerField || count > pool.size() - start) {
      d.Fail(StrCat("row ", row, ": bad tag count ", count));
      return;
    }
    // A row's tags are distinct terms (Set drops repeats).
    terms.clear();
    for (uint32_t k = start; k < start + count; ++k) {
      if (pool[k] >= dictionary_.spelling_count()) {
        d.Fail(StrCat("row ", row, ": no dictionary entry ", pool[k]));
        return;
      }
      terms.push_back(dictionary_.term_of(pool[k]));
    }
    std::sort(terms.begin(), terms.end());
    if (std::adjacent_find(terms.begin(), terms.end()) != terms.end()) {
      d.Fail(StrCat("row ", row, ": a tag twice"));
      return;
    }
    start_[row] = start;
    count_[row] = count;
    start += count;
  });
  if (d.ok() && start != pool.size()) d.Fail("tags of no row");
  if (!d.ok()) return;
  pool_ = std::move(pool);
  postings_.resize(dictionary_.term_count());
  deferred_from_ = 0;  // postings and present rows in one ordered pass
  FinishDeferred(static_cast<Row>(count_.size()));
}

void StringColumn::EncodeTo(Encoder& e) const {
  e.Bitmap(present_);
  EncodeValues<uint32_t>(
      present_, [&](Row row) { return slots_[row] & kLengthMask; }, e);
  ForEachRow(present_, [&](Row row) {
    const std::string_view value = View(row);
    e.Raw(value);
  });
}

void StringColumn::DecodeFrom(Decoder& d, const Roaring& live) {
  Roaring present = DecodeRows(d, live);
  const PackedArray<uint32_t> lengths =
      d.Array<uint32_t>(present.cardinality());
  if (!d.ok()) return;
  uint64_t total = 0;
  for (size_t i = 0; i < lengths.size(); ++i) {
    const uint32_t length = lengths[i];
    if (length == 0 || length > kMaxStringBytes) {
      d.Fail(StrCat("bad string length ", length));
      return;
    }
    total += length;
  }
  std::string_view bytes = d.Raw(total);
  if (!d.ok()) return;
  size_t i = 0;
  ForEachRow(present, [&](Row row) {
    const std::string_view value = bytes.substr(0, lengths[i++]);
    bytes.remove_prefix(value.size());
    slots_[row] = Append(blocks_, value) << kLengthBits | value.size();
    affixes_[row] = Affix(value);
  });
  present_ = std::move(present);
}

void BoolColumn::EncodeTo(Encoder& e) const {
  e.Bitmap(true_rows_);
  e.Bitmap(false_rows_);
}

void BoolColumn::DecodeFrom(Decoder& d, const Roaring& live) {
  Roaring true_rows = DecodeRows(d, live);
  Roaring false_rows = DecodeRows(d, live);
  if (!d.ok()) return;
  if (true_rows.and_cardinality(false_rows) != 0) {
    d.Fail("rows both true and false");
    return;
  }
  present_ = true_rows | false_rows;
  true_rows_ = std::move(true_rows);
  false_rows_ = std::move(false_rows);
}

}  // namespace audience
