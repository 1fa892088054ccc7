// Identifiers and time as the engine sees them.
#ifndef AUDIENCE_TYPES_H_
#define AUDIENCE_TYPES_H_

#include <cstdint>

namespace audience {

// The host's identifier of a lead. Every value, 0 included, is valid.
using LeadId = uint64_t;

// Assigned by the engine when a segment, category or campaign is created;
// stable and never reused, even after a delete.
using SegmentId = uint32_t;
using CategoryId = uint32_t;
using CampaignId = uint32_t;

// Unix seconds, UTC.
using Timestamp = int64_t;

inline constexpr int64_t kSecondsPerHour = 3600;
inline constexpr int64_t kSecondsPerDay = 86400;

}  // namespace audience

#endif  // AUDIENCE_TYPES_H_
