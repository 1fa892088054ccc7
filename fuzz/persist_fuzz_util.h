// What the snapshot and journal harnesses share: checksum repair, so that
// mutations reach the decoders behind the checksums, and the checks run on
// whatever state a load produced.
#ifndef AUDIENCE_FUZZ_PERSIST_FUZZ_UTIL_H_
#define AUDIENCE_FUZZ_PERSIST_FUZZ_UTIL_H_

#include <string>

#include "engine/engine_core.h"

namespace audience::fuzz {

// Recomputes the header and section checksums of a snapshot, as far as its
// lengths allow.
void FixSnapshotChecksums(std::string& bytes);
// Recomputes the header checksum (with `generation`) and every record's
// length and payload checksums of a journal, as far as its lengths allow.
void FixJournalChecksums(std::string& bytes, uint64_t generation);

// Queries every segment, campaign and a few leads of a loaded state, then
// checks that its snapshot loads again and re-encodes to the same bytes.
void CheckLoadedState(const EngineCore& core, uint64_t generation);

}  // namespace audience::fuzz

#endif  // AUDIENCE_FUZZ_PERSIST_FUZZ_UTIL_H_
