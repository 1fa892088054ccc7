// Which leads took part in one campaign, and how often per action kind.
#ifndef AUDIENCE_CAMPAIGNS_PARTICIPATION_H_
#define AUDIENCE_CAMPAIGNS_PARTICIPATION_H_

#include <array>
#include <optional>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "audience/campaign.h"
#include "util/bitmap.h"

namespace audience {

class Encoder;
class Decoder;

// Counts are kept as nested bitmaps per kind (level i holds the rows with
// more than i actions of that kind), so the actions of any set of rows, a
// segment's members say, are a few intersection counts rather than a walk
// over the participants.
//
// Invariants: levels_[k][i] ⊇ levels_[k][i + 1], none is empty;
// participants_ is the union of every levels_[k][0] and holds exactly the
// keys of last_action_.
class CampaignParticipation {
 public:
  void Record(Row row, ActionKind kind, Timestamp ts);

  const Roaring& participants() const { return participants_; }
  // The actions of the rows in `rows`, by kind.
  ActionCounts CountWithin(const Roaring& rows) const;
  // The row's actions, or nullopt when it has none.
  std::optional<Participation> Of(Row row) const;

  // Drops deleted leads' rows.
  void Forget(const Roaring& rows);

  size_t MemoryBytes() const;

  // The snapshot form. DecodeFrom checks the invariants and that every row
  // is in `live`.
  void EncodeTo(Encoder& e) const;
  void DecodeFrom(Decoder& d, const Roaring& live);

 private:
  Roaring participants_;
  std::array<std::vector<Roaring>, kActionKindCount> levels_;
  absl::flat_hash_map<Row, Timestamp> last_action_;
};

}  // namespace audience

#endif  // AUDIENCE_CAMPAIGNS_PARTICIPATION_H_
