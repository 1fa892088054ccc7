#include "util/bitmap.h"

#include <roaring/containers/containers.h>

#include <cstring>

namespace audience {

void ChunkedBitmapBuilder::Append(uint32_t chunk, const uint64_t* words) {
  int cardinality = 0;
  for (uint32_t i = 0; i < kChunkWords; ++i) {
    cardinality += __builtin_popcountll(words[i]);
  }
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
