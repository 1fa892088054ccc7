// The binary encoding shared by snapshots and journal records: varints,
// length-prefixed bytes, CRoaring's portable bitmaps, and the public types
// a mutation carries (leads, patches, events, segment and campaign
// definitions, campaign actions).
#ifndef AUDIENCE_PERSIST_CODEC_H_
#define AUDIENCE_PERSIST_CODEC_H_

#include <bit>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "absl/status/status.h"
#include "audience/campaign.h"
#include "audience/lead.h"
#include "audience/schema.h"
#include "audience/segment.h"
#include "util/bitmap.h"

namespace audience {

class Encoder {
 public:
  explicit Encoder(std::string* out) : out_(*out) {}

  void U8(uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void Bool(bool v) { U8(v ? 1 : 0); }
  void Varint(uint64_t v);
  void Signed(int64_t v);  // zigzag varint
  void Fixed32(uint32_t v);
  void Fixed64(uint64_t v);
  void Double(double v);
  void Bytes(std::string_view v);
  void OptionalSigned(const std::optional<int64_t>& v);
  // Portable serialization, length-prefixed.
  void Bitmap(const Roaring& rows);
  // Bytes without a length (the reader knows it).
  void Raw(std::string_view v) { out_.append(v); }
  // Fixed-width numbers as they lie in memory, without a count (the reader
  // knows it): the column arrays of a snapshot, restored by one copy.
  template <typename T>
  void Array(std::span<const T> values) {
    static_assert(std::is_arithmetic_v<T> &&
                  std::endian::native == std::endian::little);
    out_.append(reinterpret_cast<const char*>(values.data()),
                values.size_bytes());
  }

  // A part whose length precedes it, so that a reader can hand it to
  // another thread (Decoder::Part): BeginPart() writes a placeholder and
  // returns where; EndPart(at) fills in the length of what followed.
  size_t BeginPart();
  void EndPart(size_t at);

  std::string& out() { return out_; }

 private:
  std::string& out_;
};

// Fixed-width numbers in place in a decoder's input, read by copying: they
// need not be aligned.
template <typename T>
class PackedArray {
 public:
  static_assert(std::is_arithmetic_v<T> &&
                std::endian::native == std::endian::little);

  PackedArray() = default;
  PackedArray(const char* data, size_t size) : data_(data), size_(size) {}

  size_t size() const { return size_; }
  T operator[](size_t i) const {
    T v;
    std::memcpy(&v, data_ + i * sizeof(T), sizeof(T));
    return v;
  }
  std::vector<T> ToVector() const {
    std::vector<T> out(size_);
    if (size_ > 0) std::memcpy(out.data(), data_, size_ * sizeof(T));
    return out;
  }

 private:
  const char* data_ = nullptr;
  size_t size_ = 0;
};

// Reads what Encoder wrote from untrusted bytes. The first failure sticks:
// later reads return zero values and status() reports where it happened.
// Counts are checked against the bytes left, so no input makes it allocate
// more than the input's size warrants.
class Decoder {
 public:
  // `base` is the offset of `data` in its file, for error messages.
  Decoder(std::string_view data, uint64_t base) : data_(data), base_(base) {}

  uint8_t U8();
  bool Bool();
  uint64_t Varint();
  int64_t Signed();
  uint32_t Fixed32();
  uint64_t Fixed64();
  double Double();
  std::string_view Bytes();
  std::optional<int64_t> OptionalSigned();
  Roaring Bitmap();
  // The next `n` bytes (Encoder::Raw), viewing into the input.
  std::string_view Raw(uint64_t n);
  // A decoder of the next part (Encoder::BeginPart), which it skips. The
  // part's failures are brought back with Adopt.
  Decoder Part();
  // Takes `part`'s failure, if any and if this decoder has none yet.
  void Adopt(const Decoder& part);
  // `count` numbers that Encoder::Array wrote, in place (empty on damage).
  template <typename T>
  PackedArray<T> Array(uint64_t count) {
    if (count > (data_.size() - pos_) / sizeof(T)) Fail("truncated");
    if (!ok()) return {};
    PackedArray<T> out(data_.data() + pos_, static_cast<size_t>(count));
    pos_ += count * sizeof(T);
    return out;
  }
  // A count of items taking at least `min_bytes` each.
  size_t Count(size_t min_bytes = 1);
  // An enum value in [0, limit].
  template <typename E>
  E Enum(E limit) {
    uint8_t v = U8();
    if (v > static_cast<uint8_t>(limit)) Fail("value out of range");
    return ok() ? static_cast<E>(v) : E{};
  }

  void Fail(std::string_view reason);
  // After a failure, prefixes its reason with "<context>: " (what was being
  // read, which the failing reader could not know).
  void Annotate(std::string_view context);
  bool ok() const { return error_.empty(); }
  bool done() const { return pos_ == data_.size(); }
  size_t size() const { return data_.size(); }
  uint64_t offset() const { return base_ + pos_; }
  // OK, or DATA_LOSS "<where> at offset N: <reason>".
  absl::Status status(std::string_view where) const;

 private:
  bool Need(size_t n);

  std::string_view data_;
  uint64_t base_;
  size_t pos_ = 0;
  std::string error_;
  uint64_t error_offset_ = 0;
};

void EncodeValue(const Value& v, Encoder& e);
Value DecodeValue(Decoder& d);
void EncodeLead(const Lead& lead, Encoder& e);
Lead DecodeLead(Decoder& d);
void EncodePatch(const LeadPatch& patch, Encoder& e);
LeadPatch DecodePatch(Decoder& d);
void EncodeEvent(const Event& event, Encoder& e);
Event DecodeEvent(Decoder& d);
void EncodeSegmentDefinition(const SegmentDefinition& def, Encoder& e);
SegmentDefinition DecodeSegmentDefinition(Decoder& d);
void EncodeCampaignDefinition(const CampaignDefinition& def, Encoder& e);
CampaignDefinition DecodeCampaignDefinition(Decoder& d);
void EncodeCampaignAction(const CampaignAction& action, Encoder& e);
CampaignAction DecodeCampaignAction(Decoder& d);

}  // namespace audience

#endif  // AUDIENCE_PERSIST_CODEC_H_
