// Names of the membership vocabulary of membership.h.
#include "audience/membership.h"

namespace audience {

std::string_view ChangeKindName(ChangeKind kind) {
  return kind == ChangeKind::kEntered ? "entered" : "left";
}

std::string_view ChangeCauseName(ChangeCause cause) {
  switch (cause) {
    case ChangeCause::kFilter:
      return "filter";
    case ChangeCause::kManual:
      return "manual";
    case ChangeCause::kTransfer:
      return "transfer";
    case ChangeCause::kLeadDeleted:
      return "lead_deleted";
    case ChangeCause::kSegmentEdited:
      return "segment_edited";
    case ChangeCause::kClock:
      return "clock";
  }
  return "?";
}

}  // namespace audience
