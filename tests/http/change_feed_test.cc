// ChangeFeed (http/change_feed.h): numbering, the SSE text of each event,
// segment names, reading in byte-bounded pieces, the capacity rule,
// resuming, Close, many readers beside one publisher, and a model test
// against a naive list of every event.
#include "http/change_feed.h"

#include <chrono>
#include <cstdint>
#include <future>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "testing/test_util.h"

namespace audience::http {
namespace {

using audience::testing::SeededRandom;
using Status = ChangeFeed::ReadStatus;

constexpr absl::Duration kNoWait = absl::ZeroDuration();
constexpr size_t kAll = SIZE_MAX;

MembershipChange Change(SegmentId segment, LeadId lead,
                        ChangeKind kind = ChangeKind::kEntered,
                        ChangeCause cause = ChangeCause::kFilter,
                        Timestamp time = 0) {
  return MembershipChange{.segment = segment,
                          .kind = kind,
                          .cause = cause,
                          .lead = lead,
                          .time = time};
}

// Segment names the way the engine would give them: from a map a test
// edits (renames, deletions).
struct Names {
  std::map<SegmentId, std::string> current;
  ChangeFeed::NameLookup Lookup() const {
    return [this](SegmentId id) -> std::optional<std::string> {
      auto it = current.find(id);
      if (it == current.end()) return std::nullopt;
      return it->second;
    };
  }
};

// The exact text of one change event. `segment` must need no JSON escaping.
std::string ExpectedEvent(uint64_t seq, std::string_view segment,
                          const MembershipChange& c) {
  return "id: " + std::to_string(seq) +
         "\nevent: change\ndata: {\"seq\":" + std::to_string(seq) +
         ",\"segment\":\"" + std::string(segment) +
         "\",\"segment_id\":" + std::to_string(c.segment) +
         ",\"lead\":" + std::to_string(c.lead) + ",\"change\":\"" +
         std::string(ChangeKindName(c.kind)) + "\",\"cause\":\"" +
         std::string(ChangeCauseName(c.cause)) +
         "\",\"time\":" + std::to_string(c.time) + "}\n\n";
}

struct Event {
  uint64_t id = 0;
  std::string event;
  std::string data;
};

// Splits SSE text into events; fails the test on anything malformed.
std::vector<Event> ParseEvents(std::string_view text) {
  std::vector<Event> events;
  while (!text.empty()) {
    const size_t end = text.find("\n\n");
    REQUIRE(end != std::string_view::npos);
    std::string_view block = text.substr(0, end + 1);
    text.remove_prefix(end + 2);
    Event e;
    bool has_id = false;
    while (!block.empty()) {
      const size_t nl = block.find('\n');
      std::string_view line = block.substr(0, nl);
      block.remove_prefix(nl + 1);
      if (line.rfind("id: ", 0) == 0) {
        REQUIRE_FALSE(has_id);
        has_id = true;
        e.id = std::stoull(std::string(line.substr(4)));
      } else if (line.rfind("event: ", 0) == 0) {
        e.event = std::string(line.substr(7));
      } else if (line.rfind("data: ", 0) == 0) {
        e.data = std::string(line.substr(6));
      } else {
        FAIL("unexpected SSE line: " << line);
      }
    }
    REQUIRE(has_id);
    REQUIRE(e.event == "change");
    events.push_back(std::move(e));
  }
  return events;
}

std::vector<uint64_t> Ids(std::string_view text) {
  std::vector<uint64_t> ids;
  for (const Event& e : ParseEvents(text)) ids.push_back(e.id);
  return ids;
}

std::vector<uint64_t> Range(uint64_t first, uint64_t last) {
  std::vector<uint64_t> out;
  for (uint64_t i = first; i <= last; ++i) out.push_back(i);
  return out;
}

// Reads everything after `after` in one go.
std::string ReadAll(ChangeFeed& feed, uint64_t after) {
  std::string out;
  uint64_t last = 0;
  REQUIRE(feed.Read(after, kNoWait, kAll, &out, &last) == Status::kEvents);
  CHECK(last == feed.latest());
  return out;
}

// Publishes `n` single-change mutations of segment 1.
void PublishSingles(ChangeFeed& feed, int n, LeadId first_lead = 1) {
  Names names;
  names.current[1] = "s";
  for (int i = 0; i < n; ++i) {
    feed.Publish({Change(1, first_lead + i)}, names.Lookup());
  }
}

TEST_CASE("an empty feed has nothing to read", "[http]") {
  ChangeFeed feed(10);
  CHECK(feed.latest() == 0);
  CHECK(feed.oldest() == 1);
  std::string out = "kept";
  uint64_t last = 77;
  CHECK(feed.Read(0, kNoWait, kAll, &out, &last) == Status::kTimeout);
  CHECK(out == "kept");
  // Publishing no changes numbers nothing.
  Names names;
  feed.Publish({}, names.Lookup());
  CHECK(feed.latest() == 0);
  CHECK(feed.Read(0, absl::Milliseconds(1), kAll, &out, &last) ==
        Status::kTimeout);
}

TEST_CASE("each change is one SSE event with every field", "[http]") {
  ChangeFeed feed(10);
  Names names;
  names.current[3] = "vip";
  names.current[12] = "churned";
  feed.Publish(
      {Change(3, 42, ChangeKind::kEntered, ChangeCause::kFilter, 1700000000),
       Change(12, 18446744073709551615u, ChangeKind::kLeft,
              ChangeCause::kLeadDeleted, -5)},
      names.Lookup());
  CHECK(ReadAll(feed, 0) ==
        "id: 1\nevent: change\ndata: "
        "{\"seq\":1,\"segment\":\"vip\",\"segment_id\":3,\"lead\":42,"
        "\"change\":\"entered\",\"cause\":\"filter\",\"time\":1700000000}\n\n"
        "id: 2\nevent: change\ndata: "
        "{\"seq\":2,\"segment\":\"churned\",\"segment_id\":12,"
        "\"lead\":18446744073709551615,\"change\":\"left\","
        "\"cause\":\"lead_deleted\",\"time\":-5}\n\n");
}

TEST_CASE("every cause is named in the event", "[http]") {
  ChangeFeed feed(100);
  Names names;
  names.current[1] = "s";
  const std::vector<ChangeCause> causes = {
      ChangeCause::kFilter,        ChangeCause::kManual,
      ChangeCause::kTransfer,      ChangeCause::kLeadDeleted,
      ChangeCause::kSegmentEdited, ChangeCause::kClock};
  std::vector<MembershipChange> changes;
  std::string expected;
  for (size_t i = 0; i < causes.size(); ++i) {
    changes.push_back(Change(1, i, ChangeKind::kLeft, causes[i], 9));
    expected += ExpectedEvent(i + 1, "s", changes.back());
  }
  feed.Publish(changes, names.Lookup());
  CHECK(ReadAll(feed, 0) == expected);
  CHECK(expected.find("\"cause\":\"segment_edited\"") != std::string::npos);
  CHECK(expected.find("\"cause\":\"clock\"") != std::string::npos);
}

TEST_CASE("a segment name is escaped in the data line", "[http]") {
  ChangeFeed feed(10);
  Names names;
  names.current[4] = "say \"hi\"\nnow \\ later";
  feed.Publish({Change(4, 1)}, names.Lookup());
  const std::string text = ReadAll(feed, 0);
  CHECK(text ==
        "id: 1\nevent: change\ndata: "
        "{\"seq\":1,\"segment\":\"say \\\"hi\\\"\\nnow \\\\ later\","
        "\"segment_id\":4,\"lead\":1,\"change\":\"entered\","
        "\"cause\":\"filter\",\"time\":0}\n\n");
  // The newline in the name cannot end the data line early.
  CHECK(ParseEvents(text).size() == 1);
}

TEST_CASE("events are numbered from 1 across publishes", "[http]") {
  ChangeFeed feed(100);
  Names names;
  names.current[1] = "a";
  names.current[2] = "b";
  feed.Publish({Change(1, 10), Change(2, 10), Change(2, 11)}, names.Lookup());
  CHECK(feed.latest() == 3);
  CHECK(feed.oldest() == 1);
  feed.Publish({Change(1, 12)}, names.Lookup());
  feed.Publish({Change(2, 13), Change(1, 14)}, names.Lookup());
  CHECK(feed.latest() == 6);
  CHECK(feed.oldest() == 1);

  const std::vector<std::pair<SegmentId, LeadId>> order = {
      {1, 10}, {2, 10}, {2, 11}, {1, 12}, {2, 13}, {1, 14}};
  std::string expected;
  for (size_t i = 0; i < order.size(); ++i) {
    expected += ExpectedEvent(i + 1, order[i].first == 1 ? "a" : "b",
                              Change(order[i].first, order[i].second));
  }
  CHECK(ReadAll(feed, 0) == expected);
  CHECK(Ids(ReadAll(feed, 3)) == Range(4, 6));
}

TEST_CASE("segment names come from the lookup and outlive the segment",
          "[http]") {
  ChangeFeed feed(100);
  Names names;
  names.current[1] = "first";
  feed.Publish({Change(1, 1)}, names.Lookup());
  // Renamed: later events carry the new name, earlier ones keep theirs.
  names.current[1] = "renamed";
  feed.Publish({Change(1, 2)}, names.Lookup());
  // Deleted: the lookup no longer knows it; the last name stays.
  names.current.erase(1);
  feed.Publish({Change(1, 3, ChangeKind::kLeft, ChangeCause::kSegmentEdited)},
               names.Lookup());
  // Never known here: "#<id>".
  feed.Publish({Change(9, 4)}, names.Lookup());
  // Known later: the real name from then on.
  names.current[9] = "nine";
  feed.Publish({Change(9, 5)}, names.Lookup());
  names.current.erase(9);
  feed.Publish({Change(9, 6)}, names.Lookup());

  CHECK(ReadAll(feed, 0) ==
        ExpectedEvent(1, "first", Change(1, 1)) +
            ExpectedEvent(2, "renamed", Change(1, 2)) +
            ExpectedEvent(
                3, "renamed",
                Change(1, 3, ChangeKind::kLeft, ChangeCause::kSegmentEdited)) +
            ExpectedEvent(4, "#9", Change(9, 4)) +
            ExpectedEvent(5, "nine", Change(9, 5)) +
            ExpectedEvent(6, "nine", Change(9, 6)));
}

TEST_CASE("one mutation over many new segments names each one", "[http]") {
  // Enough distinct segments that the feed's name table grows while one
  // mutation is rendered.
  ChangeFeed feed(10000);
  Names names;
  std::vector<MembershipChange> changes;
  std::string expected;
  for (SegmentId s = 1; s <= 300; ++s) {
    if (s % 3 != 0) names.current[s] = "segment-" + std::to_string(s);
    changes.push_back(Change(s, 1000 + s));
  }
  // The same segments again in the same mutation, after all the others.
  for (SegmentId s = 1; s <= 300; s += 7) changes.push_back(Change(s, 7));
  for (size_t i = 0; i < changes.size(); ++i) {
    const SegmentId s = changes[i].segment;
    expected += ExpectedEvent(
        i + 1,
        s % 3 != 0 ? "segment-" + std::to_string(s) : "#" + std::to_string(s),
        changes[i]);
  }
  feed.Publish(changes, names.Lookup());
  CHECK(ReadAll(feed, 0) == expected);
}

TEST_CASE("Read returns exactly the events after `after`", "[http]") {
  ChangeFeed feed(100);
  Names names;
  names.current[1] = "a";
  std::vector<std::string> texts;  // texts[i]: event i+1
  LeadId lead = 0;
  for (int size : {1, 3, 2, 1, 4}) {
    std::vector<MembershipChange> changes;
    for (int i = 0; i < size; ++i) {
      changes.push_back(Change(1, ++lead));
      texts.push_back(ExpectedEvent(lead, "a", changes.back()));
    }
    feed.Publish(changes, names.Lookup());
  }
  REQUIRE(feed.latest() == texts.size());
  for (uint64_t after = 0; after < texts.size(); ++after) {
    INFO("after " << after);
    std::string out = "prefix:";
    uint64_t last = 0;
    REQUIRE(feed.Read(after, kNoWait, kAll, &out, &last) == Status::kEvents);
    CHECK(last == texts.size());
    std::string expected = "prefix:";
    for (size_t i = after; i < texts.size(); ++i) expected += texts[i];
    CHECK(out == expected);
  }
  // Nothing after the latest: a timeout, and `out` untouched.
  std::string out;
  uint64_t last = 0;
  CHECK(feed.Read(texts.size(), absl::Milliseconds(5), kAll, &out, &last) ==
        Status::kTimeout);
  CHECK(out.empty());
  CHECK(feed.Read(texts.size() + 5, kNoWait, kAll, &out, &last) ==
        Status::kTimeout);
}

TEST_CASE("max_bytes cuts at whole events", "[http]") {
  ChangeFeed feed(100);
  Names names;
  names.current[1] = "a";
  names.current[2] = "a much longer segment name than the other one";
  // One mutation of five events of unequal sizes, then three single ones.
  feed.Publish(
      {Change(1, 1), Change(2, 2), Change(1, 3), Change(2, 4), Change(1, 5)},
      names.Lookup());
  for (LeadId lead = 6; lead <= 8; ++lead) {
    feed.Publish({Change(lead % 2 == 0 ? 2 : 1, lead)}, names.Lookup());
  }
  const std::vector<Event> all = ParseEvents(ReadAll(feed, 0));
  REQUIRE(all.size() == 8);
  std::vector<size_t> sizes;  // sizes[i]: bytes of event i+1
  {
    std::string text = ReadAll(feed, 0);
    size_t start = 0;
    for (size_t i = 0; i < 8; ++i) {
      const size_t end = text.find("\n\n", start) + 2;
      sizes.push_back(end - start);
      start = end;
    }
  }
  REQUIRE(sizes[0] < sizes[1]);

  auto read = [&](uint64_t after, size_t max_bytes) {
    std::string out;
    uint64_t last = 0;
    REQUIRE(feed.Read(after, kNoWait, max_bytes, &out, &last) ==
            Status::kEvents);
    std::vector<uint64_t> ids = Ids(out);
    REQUIRE(!ids.empty());
    CHECK(last == ids.back());
    return ids;
  };
  SECTION("exactly the budget of two events gives two") {
    CHECK(read(0, sizes[0] + sizes[1]) == Range(1, 2));
    CHECK(read(0, sizes[0] + sizes[1] - 1) == Range(1, 1));
    CHECK(read(1, sizes[1] + sizes[2]) == Range(2, 3));
  }
  SECTION("an event alone over the budget still comes") {
    CHECK(read(0, 1) == Range(1, 1));
    CHECK(read(0, 0) == Range(1, 1));
    CHECK(read(3, 1) == Range(4, 4));
    CHECK(read(5, 1) == Range(6, 6));
  }
  SECTION("the cut crosses mutations") {
    // Events 4..6: the end of the first mutation and the next one.
    CHECK(read(3, sizes[3] + sizes[4] + sizes[5]) == Range(4, 6));
    CHECK(read(3, sizes[3] + sizes[4] + sizes[5] - 1) == Range(4, 5));
    // Between single-event mutations the budget holds as well.
    CHECK(read(5, sizes[5] + sizes[6] - 1) == Range(6, 6));
    CHECK(read(5, sizes[5] + sizes[6]) == Range(6, 7));
  }
  SECTION("the budget is filled from the middle of a mutation") {
    // Reading from event 5, the last of the first mutation, a budget for
    // three events gets three, across the following mutations.
    CHECK(read(4, sizes[4] + sizes[5] + sizes[6]) == Range(5, 7));
  }
  SECTION("a following Read continues with no gap or duplicate") {
    for (size_t max_bytes : {size_t{1}, sizes[0], sizes[1] + 5,
                             sizes[0] + sizes[1] + sizes[2], size_t{1000}}) {
      INFO("max_bytes " << max_bytes);
      std::vector<uint64_t> seen;
      uint64_t after = 0;
      std::string out;
      uint64_t last = 0;
      while (feed.Read(after, kNoWait, max_bytes, &out, &last) ==
             Status::kEvents) {
        REQUIRE(last > after);
        after = last;
      }
      CHECK(Ids(out) == Range(1, 8));
      CHECK(after == 8);
    }
  }
}

TEST_CASE("capacity keeps at least that many newest events", "[http]") {
  SECTION("single-event mutations") {
    ChangeFeed feed(5);
    PublishSingles(feed, 7);
    CHECK(feed.latest() == 7);
    CHECK(feed.oldest() == 3);
    CHECK(Ids(ReadAll(feed, 2)) == Range(3, 7));
  }
  SECTION("mutations are evicted whole") {
    ChangeFeed feed(5);
    Names names;
    names.current[1] = "s";
    LeadId lead = 0;
    auto publish = [&](int n) {
      std::vector<MembershipChange> changes;
      for (int i = 0; i < n; ++i) changes.push_back(Change(1, ++lead));
      feed.Publish(changes, names.Lookup());
    };
    publish(3);  // 1-3
    publish(3);  // 4-6: 6 events, dropping 1-3 would leave 3 < 5
    CHECK(feed.oldest() == 1);
    publish(3);  // 7-9: dropping 1-3 leaves 6
    CHECK(feed.oldest() == 4);
    CHECK(feed.latest() == 9);
    publish(1);  // 10: dropping 4-6 would leave 4 < 5
    CHECK(feed.oldest() == 4);
    publish(1);  // 11: dropping 4-6 leaves 5
    CHECK(feed.oldest() == 7);
    CHECK(Ids(ReadAll(feed, 6)) == Range(7, 11));
  }
  SECTION("a mutation larger than the capacity is kept whole") {
    ChangeFeed feed(5);
    PublishSingles(feed, 2);
    Names names;
    names.current[2] = "big";
    std::vector<MembershipChange> big;
    for (LeadId lead = 1; lead <= 20; ++lead) big.push_back(Change(2, lead));
    feed.Publish(big, names.Lookup());
    CHECK(feed.latest() == 22);
    CHECK(feed.oldest() == 3);
    CHECK(Ids(ReadAll(feed, 2)) == Range(3, 22));
    // The next mutation keeps it too: without it fewer than 5 would remain.
    feed.Publish({Change(2, 21)}, names.Lookup());
    CHECK(feed.oldest() == 3);
    CHECK(Ids(ReadAll(feed, 2)) == Range(3, 23));
  }
  SECTION("capacity 1 keeps the newest mutation") {
    ChangeFeed feed(1);
    PublishSingles(feed, 3);
    CHECK(feed.oldest() == 3);
    CHECK(Ids(ReadAll(feed, 2)) == Range(3, 3));
  }
}

TEST_CASE("ResumeAfter accepts ids within the buffer", "[http]") {
  ChangeFeed feed(5);
  SECTION("before any event") {
    ChangeFeed::Resume r = feed.ResumeAfter(0);
    CHECK_FALSE(r.resync);
    CHECK(r.after == 0);
    r = feed.ResumeAfter(1);  // never given
    CHECK(r.resync);
    CHECK(r.after == 0);
  }
  SECTION("with events evicted") {
    PublishSingles(feed, 9);  // 5..9 buffered
    REQUIRE(feed.oldest() == 5);
    REQUIRE(feed.latest() == 9);
    for (uint64_t id = 4; id <= 9; ++id) {
      INFO("id " << id);
      ChangeFeed::Resume r = feed.ResumeAfter(id);
      CHECK_FALSE(r.resync);
      CHECK(r.after == id);
    }
    // Older than the buffer: event 4 is gone after 3.
    for (uint64_t id : {0, 1, 3}) {
      INFO("id " << id);
      ChangeFeed::Resume r = feed.ResumeAfter(id);
      CHECK(r.resync);
      CHECK(r.after == 9);
    }
    // Newer than the latest, e.g. from before a restart.
    for (uint64_t id : {uint64_t{10}, uint64_t{1000}, UINT64_MAX}) {
      INFO("id " << id);
      ChangeFeed::Resume r = feed.ResumeAfter(id);
      CHECK(r.resync);
      CHECK(r.after == 9);
    }
  }
}

TEST_CASE("Read after the events it needs were evicted is kBehind", "[http]") {
  ChangeFeed feed(3);
  PublishSingles(feed, 2);
  // A reader at 0 is fine while event 1 is buffered.
  std::string out;
  uint64_t last = 0;
  REQUIRE(feed.Read(0, kNoWait, 1, &out, &last) == Status::kEvents);
  CHECK(last == 1);
  PublishSingles(feed, 3);  // 3..5 buffered
  REQUIRE(feed.oldest() == 3);
  out.clear();
  CHECK(feed.Read(last, kNoWait, kAll, &out, &last) == Status::kBehind);
  CHECK(out.empty());
  CHECK(feed.Read(0, kNoWait, kAll, &out, &last) == Status::kBehind);
  // Right before the oldest is still readable.
  CHECK(feed.Read(2, kNoWait, kAll, &out, &last) == Status::kEvents);
  CHECK(Ids(out) == Range(3, 5));
}

TEST_CASE("Read waits for the next publish", "[http]") {
  ChangeFeed feed(10);
  PublishSingles(feed, 1);
  auto reader = std::async(std::launch::async, [&feed] {
    std::string out;
    uint64_t last = 0;
    const Status status = feed.Read(1, absl::Seconds(60), kAll, &out, &last);
    return std::make_tuple(status, out, last);
  });
  PublishSingles(feed, 2, 100);
  REQUIRE(reader.wait_for(std::chrono::seconds(30)) ==
          std::future_status::ready);
  const auto [status, out, last] = reader.get();
  REQUIRE(status == Status::kEvents);
  // The reader may have woken after the first or the second publish.
  CHECK(last >= 2);
  CHECK(Ids(out) == Range(2, last));
}

TEST_CASE("Close wakes a blocked reader and ends every later Read", "[http]") {
  ChangeFeed feed(10);
  PublishSingles(feed, 2);
  auto reader = std::async(std::launch::async, [&feed] {
    std::string out;
    uint64_t last = 0;
    return feed.Read(2, absl::Seconds(60), kAll, &out, &last);
  });
  // Give the reader a moment to block; Close works either way.
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  feed.Close();
  REQUIRE(reader.wait_for(std::chrono::seconds(30)) ==
          std::future_status::ready);
  CHECK(reader.get() == Status::kClosed);

  // Events are still there, but a closing feed answers kClosed at once.
  std::string out;
  uint64_t last = 0;
  const auto start = std::chrono::steady_clock::now();
  CHECK(feed.Read(0, absl::Seconds(60), kAll, &out, &last) == Status::kClosed);
  CHECK(feed.Read(2, absl::Seconds(60), kAll, &out, &last) == Status::kClosed);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(30));
  CHECK(out.empty());
}

TEST_CASE("readers beside a publisher see every event once, in order",
          "[http]") {
  SeededRandom rng(20240611);
  std::vector<int> sizes;
  uint64_t total = 0;
  for (int i = 0; i < 1500; ++i) {
    sizes.push_back(static_cast<int>(rng.Between(1, 6)));
    total += sizes.back();
  }
  ChangeFeed feed(total);  // nothing is evicted

  constexpr int kReaders = 3;
  std::vector<std::future<std::string>> readers;
  for (int r = 0; r < kReaders; ++r) {
    readers.push_back(std::async(std::launch::async, [&feed, total, r] {
      // Returns "" when all went well, else what went wrong.
      uint64_t after = 0;
      uint64_t expected = 1;
      std::string out;
      const size_t max_bytes = 200 + 150 * r;
      while (after < total) {
        out.clear();
        uint64_t last = 0;
        const Status status =
            feed.Read(after, absl::Seconds(30), max_bytes, &out, &last);
        if (status != Status::kEvents) {
          return "reader " + std::to_string(r) + ": status " +
                 std::to_string(static_cast<int>(status)) + " after " +
                 std::to_string(after);
        }
        // Parsed by hand: Catch2 assertions are not for other threads.
        size_t pos = 0;
        while ((pos = out.find("id: ", pos)) != std::string::npos) {
          const uint64_t id = std::stoull(out.substr(pos + 4));
          if (id != expected) {
            return "reader " + std::to_string(r) + ": got " +
                   std::to_string(id) + ", expected " +
                   std::to_string(expected);
          }
          const std::string seq = "\"seq\":" + std::to_string(id) + ",";
          if (out.find(seq, pos) == std::string::npos) {
            return "reader " + std::to_string(r) + ": no " + seq;
          }
          ++expected;
          pos += 4;
        }
        if (last != expected - 1) {
          return "reader " + std::to_string(r) + ": last " +
                 std::to_string(last) + " but read up to " +
                 std::to_string(expected - 1);
        }
        after = last;
      }
      return std::string();
    }));
  }
  Names names;
  names.current[1] = "s";
  LeadId lead = 0;
  for (int size : sizes) {
    std::vector<MembershipChange> changes;
    for (int i = 0; i < size; ++i) changes.push_back(Change(1, ++lead));
    feed.Publish(changes, names.Lookup());
  }
  for (auto& reader : readers) {
    REQUIRE(reader.wait_for(std::chrono::seconds(120)) ==
            std::future_status::ready);
    CHECK(reader.get() == "");
  }
  CHECK(feed.latest() == total);
}

// The naive reference: every event ever published, in a vector, and the
// mutations' boundaries; what is buffered follows from the capacity rule.
class ModelFeed {
 public:
  explicit ModelFeed(size_t capacity) : capacity_(capacity) {}

  void Publish(const std::vector<MembershipChange>& changes,
               const std::map<SegmentId, std::string>& current) {
    if (changes.empty()) return;
    starts_.push_back(latest() + 1);
    for (const MembershipChange& c : changes) {
      auto it = current.find(c.segment);
      if (it != current.end()) {
        last_name_[c.segment] = it->second;
      } else if (!last_name_.count(c.segment)) {
        last_name_[c.segment] = "#" + std::to_string(c.segment);
      }
      events_.push_back(ExpectedEvent(latest() + 1, last_name_[c.segment], c));
    }
  }

  uint64_t latest() const { return events_.size(); }

  // The first event of the shortest run of newest whole mutations holding
  // at least `capacity` events, or of all of them when fewer.
  uint64_t oldest() const {
    uint64_t oldest = latest() + 1;
    for (size_t m = starts_.size(); m-- > 0;) {
      oldest = starts_[m];
      if (latest() + 1 - oldest >= capacity_) break;
    }
    return oldest;
  }

  ChangeFeed::Resume ResumeAfter(uint64_t id) const {
    if (id > latest() || id + 1 < oldest()) {
      return {.resync = true, .after = latest()};
    }
    return {.resync = false, .after = id};
  }

  // Events after `after` while they fit in max_bytes, at least one.
  Status Read(uint64_t after, size_t max_bytes, std::string* out,
              uint64_t* last) const {
    if (after >= latest()) return Status::kTimeout;
    if (after + 1 < oldest()) return Status::kBehind;
    size_t bytes = 0;
    uint64_t seq = after + 1;
    do {
      bytes += events_[seq - 1].size();
      *out += events_[seq - 1];
      ++seq;
    } while (seq <= latest() && bytes + events_[seq - 1].size() <= max_bytes);
    *last = seq - 1;
    return Status::kEvents;
  }

 private:
  size_t capacity_;
  std::vector<std::string> events_;  // events_[i]: event i+1
  std::vector<uint64_t> starts_;     // each mutation's first event
  std::map<SegmentId, std::string> last_name_;
};

TEST_CASE("ChangeFeed matches the naive model over random operations",
          "[http]") {
  for (uint64_t seed = 1; seed <= 12; ++seed) {
    SeededRandom rng(seed);
    INFO("seed " << seed);
    const size_t capacity = static_cast<size_t>(rng.Between(1, 40));
    INFO("capacity " << capacity);
    ChangeFeed feed(capacity);
    ModelFeed model(capacity);
    Names names;
    std::vector<uint64_t> cursors(3, 0);  // readers that keep up
    for (int step = 0; step < 250; ++step) {
      INFO("step " << step);
      const uint64_t op = rng.Below(10);
      if (op < 4) {
        // A mutation: usually small, sometimes empty or over the capacity.
        const int n = rng.Chance(0.1) ? static_cast<int>(rng.Between(0, 60))
                                      : static_cast<int>(rng.Between(1, 6));
        std::vector<MembershipChange> changes;
        for (int i = 0; i < n; ++i) {
          changes.push_back(Change(
              static_cast<SegmentId>(rng.Between(1, 8)), rng.Below(1000),
              rng.Chance(0.5) ? ChangeKind::kEntered : ChangeKind::kLeft,
              static_cast<ChangeCause>(rng.Below(6)), rng.Between(-100, 100)));
        }
        feed.Publish(changes, names.Lookup());
        model.Publish(changes, names.current);
      } else if (op == 4) {
        // Create, rename or delete a segment.
        const SegmentId s = static_cast<SegmentId>(rng.Between(1, 8));
        if (rng.Chance(0.4)) {
          names.current.erase(s);
        } else {
          names.current[s] =
              "seg" + std::to_string(s) + "v" + std::to_string(step);
        }
      } else if (op == 5) {
        const uint64_t id = rng.Below(model.latest() + 3);
        const ChangeFeed::Resume got = feed.ResumeAfter(id);
        const ChangeFeed::Resume want = model.ResumeAfter(id);
        INFO("resume after " << id);
        CHECK(got.resync == want.resync);
        CHECK(got.after == want.after);
      } else {
        // A read from anywhere, or a keeping-up reader's next read.
        const bool cursor = op >= 8;
        uint64_t& reader = cursors[rng.Below(cursors.size())];
        uint64_t after = cursor ? reader : rng.Below(model.latest() + 3);
        const size_t max_bytes =
            rng.Chance(0.2) ? kAll : static_cast<size_t>(rng.Below(900));
        INFO("read after " << after << " max_bytes " << max_bytes);
        std::string got = "x";
        std::string want = "x";
        uint64_t got_last = 0;
        uint64_t want_last = 0;
        const Status got_status =
            feed.Read(after, kNoWait, max_bytes, &got, &got_last);
        const Status want_status =
            model.Read(after, max_bytes, &want, &want_last);
        REQUIRE(got_status == want_status);
        CHECK(got == want);
        if (want_status == Status::kEvents) {
          CHECK(got_last == want_last);
          if (cursor) reader = want_last;
        } else if (cursor && want_status == Status::kBehind) {
          reader = model.ResumeAfter(reader).after;  // resync
        }
      }
      REQUIRE(feed.latest() == model.latest());
      REQUIRE(feed.oldest() == model.oldest());
    }
  }
}

}  // namespace
}  // namespace audience::http
