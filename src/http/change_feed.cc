#include "http/change_feed.h"

#include <algorithm>

#include "io/json_writer.h"
#include "util/str_cat.h"

namespace audience::http {

std::string SseEvent(std::string_view event, std::string_view data,
                     std::optional<uint64_t> id) {
  std::string out;
  if (id) StrAppend(&out, "id: ", *id, "\n");
  StrAppend(&out, "event: ", event, "\ndata: ", data, "\n\n");
  return out;
}

ChangeFeed::ChangeFeed(size_t capacity)
    : capacity_(std::max<size_t>(1, capacity)) {}

void ChangeFeed::Publish(const std::vector<MembershipChange>& changes,
                         const NameLookup& segment_name) {
  if (changes.empty()) return;
  std::lock_guard<std::mutex> publish(publish_mu_);
  // Current names, looked up once per segment of this mutation.
  absl::flat_hash_map<SegmentId, std::string> names;
  for (const MembershipChange& c : changes) {
    auto [it, added] = names.try_emplace(c.segment);
    if (!added) continue;
    std::optional<std::string> name = segment_name(c.segment);
    std::string& kept = names_[c.segment];
    if (name) {
      kept = std::move(*name);
    } else if (kept.empty()) {
      kept = StrCat("#", c.segment);
    }
    it->second = kept;
  }

  auto block = std::make_shared<Block>();
  {
    std::lock_guard<std::mutex> lock(mu_);
    block->first = latest_ + 1;
  }
  block->offsets.reserve(changes.size());
  block->text.reserve(changes.size() * 160);
  uint64_t seq = block->first;
  for (const MembershipChange& c : changes) {
    block->offsets.push_back(block->text.size());
    JsonWriter data;
    data.BeginObject().Key("seq").Uint(seq);
    data.Key("segment").String(names[c.segment]);
    data.Key("segment_id").Uint(c.segment);
    data.Key("lead").Uint(c.lead);
    data.Key("change").String(ChangeKindName(c.kind));
    data.Key("cause").String(ChangeCauseName(c.cause));
    data.Key("time").Int(c.time);
    data.EndObject();
    StrAppend(&block->text, "id: ", seq, "\nevent: change\ndata: ", data.str(),
              "\n\n");
    ++seq;
  }
  std::unique_lock<std::mutex> lock(mu_);
  latest_ = block->last();
  buffered_ += block->offsets.size();
  blocks_.push_back(std::move(block));
  while (blocks_.size() > 1 &&
         buffered_ - blocks_.front()->offsets.size() >= capacity_) {
    buffered_ -= blocks_.front()->offsets.size();
    blocks_.pop_front();
  }
  lock.unlock();
  changed_.notify_all();
}

uint64_t ChangeFeed::latest() const {
  std::lock_guard<std::mutex> lock(mu_);
  return latest_;
}

uint64_t ChangeFeed::oldest() const {
  std::lock_guard<std::mutex> lock(mu_);
  return blocks_.empty() ? latest_ + 1 : blocks_.front()->first;
}

ChangeFeed::Resume ChangeFeed::ResumeAfter(uint64_t last_event_id) const {
  std::lock_guard<std::mutex> lock(mu_);
  const uint64_t oldest =
      blocks_.empty() ? latest_ + 1 : blocks_.front()->first;
  if (last_event_id > latest_ || last_event_id + 1 < oldest) {
    return Resume{.resync = true, .after = latest_};
  }
  return Resume{.resync = false, .after = last_event_id};
}

ChangeFeed::ReadStatus ChangeFeed::Read(uint64_t after, absl::Duration wait,
                                        size_t max_bytes, std::string* out,
                                        uint64_t* last) {
  std::vector<std::shared_ptr<const Block>> blocks;
  {
    std::unique_lock<std::mutex> lock(mu_);
    // Clamped: an infinite wait would overflow the clock's arithmetic.
    changed_.wait_for(
        lock, absl::ToChronoNanoseconds(std::min(wait, absl::Hours(24))),
        [this, after] { return closed_ || latest_ > after; });
    if (closed_) return ReadStatus::kClosed;
    if (latest_ <= after) return ReadStatus::kTimeout;
    if (blocks_.empty() || blocks_.front()->first > after + 1) {
      return ReadStatus::kBehind;
    }
    // The block holding event after+1, and those after it, up to the
    // byte budget (counted in whole blocks here, cut exactly below).
    auto it = std::upper_bound(
        blocks_.begin(), blocks_.end(), after + 1,
        [](uint64_t seq, const std::shared_ptr<const Block>& b) {
          return seq < b->first;
        });
    --it;
    // Bytes from event after+1 on: the first block's earlier events are
    // not read, and do not use up the budget.
    size_t skipped = (*it)->offsets[after + 1 - (*it)->first];
    size_t bytes = 0;
    for (; it != blocks_.end() && (blocks.empty() || bytes < max_bytes); ++it) {
      blocks.push_back(*it);
      bytes += (*it)->text.size() - skipped;
      skipped = 0;
    }
  }
  // Copy outside the lock: blocks are immutable once published.
  uint64_t next = after + 1;
  // Saturated: max_bytes may be SIZE_MAX for "no limit".
  const size_t budget_end =
      out->size() + std::min(max_bytes, SIZE_MAX - out->size());
  for (const auto& block : blocks) {
    const size_t first_index = next - block->first;
    size_t end_index = block->offsets.size();
    const size_t begin = block->offsets[first_index];
    size_t end = block->text.size();
    // Whole events up to the budget, at least one.
    if (out->size() + (end - begin) > budget_end) {
      size_t room = budget_end > out->size() ? budget_end - out->size() : 0;
      auto cut = std::upper_bound(block->offsets.begin() + first_index + 1,
                                  block->offsets.end(), begin + room);
      end_index = static_cast<size_t>(cut - block->offsets.begin()) - 1;
      if (end_index <= first_index) {
        if (next != after + 1) break;  // the budget ends at this block
        end_index = first_index + 1;   // the first event, however large
      }
      end = end_index < block->offsets.size() ? block->offsets[end_index]
                                              : block->text.size();
    }
    out->append(block->text, begin, end - begin);
    next = block->first + end_index;
    if (end_index < block->offsets.size()) break;  // budget reached
  }
  *last = next - 1;
  return ReadStatus::kEvents;
}

void ChangeFeed::Close() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
  }
  changed_.notify_all();
}

}  // namespace audience::http
