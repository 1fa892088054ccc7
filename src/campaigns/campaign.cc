// Names of campaign statuses and action kinds.
#include "audience/campaign.h"

namespace audience {

namespace {

constexpr std::string_view kStatusNames[] = {"draft", "active", "paused",
                                             "completed"};
constexpr std::string_view kActionNames[kActionKindCount] = {
    "change_score",  "add_to_segment", "remove_from_segment",
    "transfer",      "email_sent",     "email_opened",
    "email_clicked", "sms_sent",       "custom"};

}  // namespace

std::string_view CampaignStatusName(CampaignStatus status) {
  return kStatusNames[static_cast<size_t>(status)];
}

std::optional<CampaignStatus> ParseCampaignStatus(std::string_view name) {
  for (size_t i = 0; i < std::size(kStatusNames); ++i) {
    if (kStatusNames[i] == name) return static_cast<CampaignStatus>(i);
  }
  return std::nullopt;
}

std::string_view ActionKindName(ActionKind kind) {
  return kActionNames[static_cast<size_t>(kind)];
}

std::optional<ActionKind> ParseActionKind(std::string_view name) {
  for (size_t i = 0; i < kActionKindCount; ++i) {
    if (kActionNames[i] == name) return static_cast<ActionKind>(i);
  }
  return std::nullopt;
}

}  // namespace audience
