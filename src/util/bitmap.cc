#include "util/bitmap.h"

#include <roaring/containers/containers.h>

#include <algorithm>
#include <cstring>

namespace audience {

namespace {

uint64_t CountBitsPortable(const uint64_t* words, size_t n) {
  uint64_t count = 0;
  for (size_t i = 0; i < n; ++i) count += __builtin_popcountll(words[i]);
  return count;
}

#if defined(__x86_64__)
__attribute__((target("popcnt"))) uint64_t CountBitsPopcnt(
    const uint64_t* words, size_t n) {
  uint64_t count = 0;
  for (size_t i = 0; i < n; ++i) count += __builtin_popcountll(words[i]);
  return count;
}
#endif

using CountFn = uint64_t (*)(const uint64_t*, size_t);

CountFn ChooseCount() {
#if defined(__x86_64__)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("popcnt")) return CountBitsPopcnt;
#endif
  return CountBitsPortable;
}

}  // namespace

uint64_t CountBits(const uint64_t* words, size_t n) {
  static const CountFn count = ChooseCount();
  return count(words, n);
}

bool IsWellFormed(const Roaring& bitmap) {
  const roaring_array_t& ra = bitmap.roaring.high_low_container;
  for (int32_t i = 0; i < ra.size; ++i) {
    if (i > 0 && ra.keys[i] <= ra.keys[i - 1]) return false;
    uint8_t type = ra.typecodes[i];
    const void* container = container_unwrap_shared(ra.containers[i], &type);
    switch (type) {
      case BITSET_CONTAINER_TYPE_CODE: {
        const auto* bits = static_cast<const bitset_container_t*>(container);
        if (bits->cardinality <= DEFAULT_MAX_SIZE ||
            CountBits(bits->array, kChunkWords) !=
                static_cast<uint64_t>(bits->cardinality)) {
          return false;
        }
        break;
      }
      case ARRAY_CONTAINER_TYPE_CODE: {
        const auto* array = static_cast<const array_container_t*>(container);
        if (array->cardinality < 1 || array->cardinality > DEFAULT_MAX_SIZE) {
          return false;
        }
        for (int32_t k = 1; k < array->cardinality; ++k) {
          if (array->array[k] <= array->array[k - 1]) return false;
        }
        break;
      }
      case RUN_CONTAINER_TYPE_CODE: {
        const auto* run = static_cast<const run_container_t*>(container);
        if (run->n_runs < 1) return false;
        int64_t end = -1;  // last value of the previous run
        for (int32_t k = 0; k < run->n_runs; ++k) {
          const int64_t first = run->runs[k].value;
          const int64_t last = first + run->runs[k].length;
          if (first <= end || last > 0xFFFF) return false;
          end = last;
        }
        break;
      }
      default:
        return false;
    }
  }
  return true;
}

void ContainerWords(const Roaring& rows, int32_t index, uint64_t* words) {
  const roaring_array_t& ra = rows.roaring.high_low_container;
  uint8_t type = ra.typecodes[index];
  const void* container = container_unwrap_shared(ra.containers[index], &type);
  switch (type) {
    case BITSET_CONTAINER_TYPE_CODE:
      std::memcpy(words,
                  static_cast<const bitset_container_t*>(container)->array,
                  kChunkWords * sizeof(uint64_t));
      return;
    case ARRAY_CONTAINER_TYPE_CODE: {
      std::memset(words, 0, kChunkWords * sizeof(uint64_t));
      const auto* array = static_cast<const array_container_t*>(container);
      for (int32_t i = 0; i < array->cardinality; ++i) {
        const uint16_t v = array->array[i];
        words[v >> 6] |= uint64_t{1} << (v & 63);
      }
      return;
    }
    default: {  // runs
      std::memset(words, 0, kChunkWords * sizeof(uint64_t));
      const auto* run = static_cast<const run_container_t*>(container);
      for (int32_t i = 0; i < run->n_runs; ++i) {
        const uint32_t first = run->runs[i].value;
        const uint32_t last = first + run->runs[i].length;  // inclusive
        for (uint32_t w = first >> 6; w <= (last >> 6); ++w) {
          const uint32_t lo = w == (first >> 6) ? (first & 63) : 0;
          const uint32_t hi = w == (last >> 6) ? (last & 63) : 63;
          words[w] |= (~uint64_t{0} >> (63 - hi)) & (~uint64_t{0} << lo);
        }
      }
    }
  }
}

Roaring RowSet(std::vector<uint32_t> rows) {
  if (rows.size() == 1) return Roaring::bitmapOf(1, rows[0]);
  if (!std::is_sorted(rows.begin(), rows.end())) {
    std::sort(rows.begin(), rows.end());
  }
  rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
  return FromSortedRows(rows);
}

namespace {

struct FewRows {
  uint32_t rows[kFewRows];
  size_t n = 0;
};

// Copies out `rows` when it holds at most kFewRows of them (cheaper than an
// iterator for one or two rows).
bool AsFew(const Roaring& rows, FewRows* few) {
  const uint64_t n = rows.cardinality();
  if (n > kFewRows) return false;
  rows.toUint32Array(few->rows);
  few->n = static_cast<size_t>(n);
  return true;
}

}  // namespace

void AddRows(const Roaring& rows, Roaring* bitmap) {
  FewRows few;
  if (!AsFew(rows, &few)) {
    *bitmap |= rows;
    return;
  }
  for (size_t i = 0; i < few.n; ++i) bitmap->add(few.rows[i]);
}

void RemoveRows(const Roaring& rows, Roaring* bitmap) {
  FewRows few;
  if (!AsFew(rows, &few)) {
    *bitmap -= rows;
    return;
  }
  for (size_t i = 0; i < few.n; ++i) bitmap->remove(few.rows[i]);
}

Roaring RowsIn(const Roaring& rows, const Roaring& set) {
  FewRows few;
  if (!AsFew(rows, &few)) return rows & set;
  Roaring out;
  for (size_t i = 0; i < few.n; ++i) {
    if (set.contains(few.rows[i])) out.add(few.rows[i]);
  }
  return out;
}

Roaring RowsNotIn(const Roaring& rows, const Roaring& set) {
  FewRows few;
  if (!AsFew(rows, &few)) return rows - set;
  Roaring out;
  for (size_t i = 0; i < few.n; ++i) {
    if (!set.contains(few.rows[i])) out.add(few.rows[i]);
  }
  return out;
}

void AddSortedRows(const uint32_t* rows, size_t n, Roaring* bitmap) {
  if (n == 0) return;
  Roaring built;
  roaring_array_t* ra = &built.roaring.high_low_container;
  size_t i = 0;
  while (i < n) {
    const uint32_t chunk = rows[i] >> 16;
    size_t end = i;
    while (end < n && (rows[end] >> 16) == chunk) ++end;
    const size_t count = end - i;
    if (count <= DEFAULT_MAX_SIZE) {
      array_container_t* array =
          array_container_create_given_capacity(static_cast<int32_t>(count));
      for (size_t k = 0; k < count; ++k) {
        array->array[k] = static_cast<uint16_t>(rows[i + k]);
      }
      array->cardinality = static_cast<int32_t>(count);
      ra_append(ra, static_cast<uint16_t>(chunk), array,
                ARRAY_CONTAINER_TYPE_CODE);
    } else {
      bitset_container_t* bitset = bitset_container_create();
      for (size_t k = i; k < end; ++k) {
        const uint16_t low = static_cast<uint16_t>(rows[k]);
        bitset->array[low >> 6] |= uint64_t{1} << (low & 63);
      }
      bitset->cardinality = static_cast<int32_t>(count);
      ra_append(ra, static_cast<uint16_t>(chunk), bitset,
                BITSET_CONTAINER_TYPE_CODE);
    }
    i = end;
  }
  if (bitmap->isEmpty()) {
    bitmap->swap(built);
  } else {
    *bitmap |= built;
  }
}

void ChunkedBitmapBuilder::Append(uint32_t chunk, const uint64_t* words) {
  const int cardinality = static_cast<int>(CountBits(words, kChunkWords));
  if (cardinality == 0) return;
  bitset_container_t* bitset = bitset_container_create();
  std::memcpy(bitset->array, words, kChunkWords * sizeof(uint64_t));
  bitset->cardinality = cardinality;
  void* container = bitset;
  uint8_t type = BITSET_CONTAINER_TYPE_CODE;
  // CRoaring's invariant: a bitset container holds more than
  // DEFAULT_MAX_SIZE values; smaller sets must be array containers.
  if (cardinality <= DEFAULT_MAX_SIZE) {
    container = array_container_from_bitset(bitset);
    bitset_container_free(bitset);
    type = ARRAY_CONTAINER_TYPE_CODE;
  }
  ra_append(&result_.roaring.high_low_container, static_cast<uint16_t>(chunk),
            container, type);
}

}  // namespace audience
