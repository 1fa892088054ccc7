#include "persist/codec.h"

#include <cstring>
#include <utility>
#include <variant>

#include "util/str_cat.h"

namespace audience {

void Encoder::Varint(uint64_t v) {
  while (v >= 0x80) {
    out_.push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out_.push_back(static_cast<char>(v));
}

void Encoder::Signed(int64_t v) {
  Varint((static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63));
}

void Encoder::Fixed32(uint32_t v) {
  for (int i = 0; i < 4; ++i) out_.push_back(static_cast<char>(v >> (8 * i)));
}

void Encoder::Fixed64(uint64_t v) {
  for (int i = 0; i < 8; ++i) out_.push_back(static_cast<char>(v >> (8 * i)));
}

void Encoder::Double(double v) {
  uint64_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  Fixed64(bits);
}

void Encoder::Bytes(std::string_view v) {
  Varint(v.size());
  out_.append(v);
}

void Encoder::OptionalSigned(const std::optional<int64_t>& v) {
  Bool(v.has_value());
  if (v) Signed(*v);
}

void Encoder::Bitmap(const Roaring& rows) {
  const size_t size = rows.getSizeInBytes(/*portable=*/true);
  Varint(size);
  const size_t at = out_.size();
  out_.resize(at + size);
  rows.write(out_.data() + at, /*portable=*/true);
}

bool Decoder::Need(size_t n) {
  if (!ok()) return false;
  if (data_.size() - pos_ < n) {
    Fail("truncated");
    return false;
  }
  return true;
}

void Decoder::Fail(std::string_view reason) {
  if (!ok()) return;
  error_ = std::string(reason);
  error_offset_ = offset();
  pos_ = data_.size();
}

void Decoder::Annotate(std::string_view context) {
  if (!ok()) error_ = StrCat(context, ": ", error_);
}

absl::Status Decoder::status(std::string_view where) const {
  if (ok()) return absl::OkStatus();
  return absl::DataLossError(
      StrCat(where, " at offset ", error_offset_, ": ", error_));
}

uint8_t Decoder::U8() {
  if (!Need(1)) return 0;
  return static_cast<uint8_t>(data_[pos_++]);
}

bool Decoder::Bool() {
  uint8_t v = U8();
  if (v > 1) Fail("bad boolean");
  return v == 1;
}

uint64_t Decoder::Varint() {
  uint64_t v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (!Need(1)) return 0;
    const auto byte = static_cast<uint8_t>(data_[pos_++]);
    if (shift == 63 && byte > 1) break;
    v |= uint64_t{byte & 0x7Fu} << shift;
    if ((byte & 0x80) == 0) return v;
  }
  Fail("bad varint");
  return 0;
}

int64_t Decoder::Signed() {
  const uint64_t v = Varint();
  return static_cast<int64_t>((v >> 1) ^ (~(v & 1) + 1));
}

uint32_t Decoder::Fixed32() {
  if (!Need(4)) return 0;
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) {
    v |= uint32_t{static_cast<uint8_t>(data_[pos_++])} << (8 * i);
  }
  return v;
}

uint64_t Decoder::Fixed64() {
  if (!Need(8)) return 0;
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) {
    v |= uint64_t{static_cast<uint8_t>(data_[pos_++])} << (8 * i);
  }
  return v;
}

double Decoder::Double() {
  const uint64_t bits = Fixed64();
  double v;
  std::memcpy(&v, &bits, sizeof v);
  return v;
}

std::string_view Decoder::Bytes() { return Raw(Varint()); }

std::optional<int64_t> Decoder::OptionalSigned() {
  if (!Bool()) return std::nullopt;
  return Signed();
}

size_t Encoder::BeginPart() {
  const size_t at = out_.size();
  Fixed64(0);
  return at;
}

void Encoder::EndPart(size_t at) {
  const uint64_t length = out_.size() - at - 8;
  for (int i = 0; i < 8; ++i) {
    out_[at + i] = static_cast<char>(length >> (8 * i));
  }
}

Decoder Decoder::Part() {
  const uint64_t n = Fixed64();
  const uint64_t base = offset();
  Decoder part(Raw(n), base);
  if (!ok()) part.Fail("part missing");
  return part;
}

void Decoder::Adopt(const Decoder& part) {
  if (ok() && !part.ok()) {
    error_ = part.error_;
    error_offset_ = part.error_offset_;
    pos_ = data_.size();
  }
}

std::string_view Decoder::Raw(uint64_t n) {
  if (!Need(n)) return {};
  std::string_view out = data_.substr(pos_, n);
  pos_ += n;
  return out;
}

Roaring Decoder::Bitmap() {
  const uint64_t n = Varint();
  if (!Need(n)) return {};
  const char* at = data_.data() + pos_;
  // The safe reader never reads past n bytes; a size that disagrees with
  // the bytes it consumed means the bitmap is damaged.
  if (roaring_bitmap_portable_deserialize_size(at, n) != n) {
    Fail("bad bitmap");
    return {};
  }
  pos_ += n;
  // Not Roaring::readSafe, which throws when the reader gives up.
  roaring_bitmap_t* read = roaring_bitmap_portable_deserialize_safe(at, n);
  if (read == nullptr) {
    Fail("bad bitmap");
    return {};
  }
  Roaring bitmap(read);
  if (!IsWellFormed(bitmap)) {
    Fail("bad bitmap");
    return {};
  }
  return bitmap;
}

size_t Decoder::Count(size_t min_bytes) {
  const uint64_t n = Varint();
  if (ok() && n > (data_.size() - pos_) / std::max<size_t>(min_bytes, 1)) {
    Fail("count exceeds the data");
  }
  return ok() ? static_cast<size_t>(n) : 0;
}

namespace {

void EncodeStrings(const std::vector<std::string>& list, Encoder& e) {
  e.Varint(list.size());
  for (const std::string& s : list) e.Bytes(s);
}

std::vector<std::string> DecodeStrings(Decoder& d) {
  std::vector<std::string> list(d.Count());
  for (std::string& s : list) s = std::string(d.Bytes());
  return list;
}

// Variants (Value, Scalar, Operand) are written as the alternative's index
// and its payload; one overload per alternative type serves all three.
template <typename T>
struct Tag {};

void Put(Encoder&, std::monostate) {}
void Put(Encoder& e, bool v) { e.Bool(v); }
void Put(Encoder& e, int64_t v) { e.Signed(v); }
void Put(Encoder& e, double v) { e.Double(v); }
void Put(Encoder& e, const std::string& v) { e.Bytes(v); }
void Put(Encoder& e, const std::vector<std::string>& v) { EncodeStrings(v, e); }
void Put(Encoder& e, const Duration& v) {
  e.Signed(v.amount);
  e.U8(static_cast<uint8_t>(v.unit));
}
void Put(Encoder& e, const std::vector<Scalar>& list);

template <typename V>
void PutVariant(const V& v, Encoder& e) {
  e.U8(static_cast<uint8_t>(v.index()));
  std::visit([&](const auto& x) { Put(e, x); }, v);
}

void Put(Encoder& e, const std::vector<Scalar>& list) {
  e.Varint(list.size());
  for (const Scalar& s : list) PutVariant(s, e);
}

std::monostate Get(Decoder&, Tag<std::monostate>) { return {}; }
bool Get(Decoder& d, Tag<bool>) { return d.Bool(); }
int64_t Get(Decoder& d, Tag<int64_t>) { return d.Signed(); }
double Get(Decoder& d, Tag<double>) { return d.Double(); }
std::string Get(Decoder& d, Tag<std::string>) { return std::string(d.Bytes()); }
std::vector<std::string> Get(Decoder& d, Tag<std::vector<std::string>>) {
  return DecodeStrings(d);
}
Duration Get(Decoder& d, Tag<Duration>) {
  Duration v;
  v.amount = d.Signed();
  v.unit = d.Enum(Duration::Unit::kHours);
  return v;
}
std::vector<Scalar> Get(Decoder& d, Tag<std::vector<Scalar>>);

template <typename V, size_t I = 0>
V GetVariant(Decoder& d, uint8_t index) {
  if constexpr (I == std::variant_size_v<V>) {
    d.Fail("bad variant index");
    return V{};
  } else {
    using T = std::variant_alternative_t<I, V>;
    if (index == I) return V(std::in_place_index<I>, Get(d, Tag<T>{}));
    return GetVariant<V, I + 1>(d, index);
  }
}

template <typename V>
V GetVariant(Decoder& d) {
  return GetVariant<V>(d, d.U8());
}

std::vector<Scalar> Get(Decoder& d, Tag<std::vector<Scalar>>) {
  std::vector<Scalar> list(d.Count());
  for (Scalar& s : list) s = GetVariant<Scalar>(d);
  return list;
}

// A leaf keeps the layout it had before groups, so data directories
// written then still read; a group is its kind and its children.
void EncodeCondition(const Condition& c, Encoder& e) {
  e.U8(static_cast<uint8_t>(c.kind));
  if (c.is_group()) {
    e.Varint(c.children.size());
    for (const Condition& child : c.children) EncodeCondition(child, e);
    return;
  }
  e.Bytes(c.subject);
  e.U8(static_cast<uint8_t>(c.op));
  PutVariant(c.value, e);
  e.OptionalSigned(c.object);
  e.Signed(c.at_least);
  e.OptionalSigned(c.within_days);
}

Condition DecodeCondition(Decoder& d, int level = 1) {
  Condition c;
  c.kind = d.Enum(Condition::Kind::kNot);
  if (c.is_group()) {
    // Deeper than any definition the engine accepts: damage, and a bound
    // on the recursion whatever the bytes say.
    if (level > kMaxFilterDepth) {
      d.Fail("conditions nest too deep");
      return c;
    }
    c.children.resize(d.Count(2));
    for (Condition& child : c.children) {
      if (!d.ok()) break;
      child = DecodeCondition(d, level + 1);
    }
    return c;
  }
  c.subject = std::string(d.Bytes());
  c.op = d.Enum(Op::kNotMember);
  c.value = GetVariant<Operand>(d);
  c.object = d.OptionalSigned();
  c.at_least = d.Signed();
  c.within_days = d.OptionalSigned();
  return c;
}

void EncodeFields(const FieldValues& fields, Encoder& e) {
  e.Varint(fields.size());
  for (const auto& [name, value] : fields) {
    e.Bytes(name);
    EncodeValue(value, e);
  }
}

FieldValues DecodeFields(Decoder& d) {
  FieldValues fields;
  for (size_t n = d.Count(2); n > 0 && d.ok(); --n) {
    std::string name(d.Bytes());
    fields.insert_or_assign(std::move(name), DecodeValue(d));
  }
  return fields;
}

}  // namespace

void EncodeValue(const Value& v, Encoder& e) { PutVariant(v, e); }

Value DecodeValue(Decoder& d) { return GetVariant<Value>(d); }

void EncodeLead(const Lead& lead, Encoder& e) {
  e.Varint(lead.id);
  EncodeFields(lead.fields, e);
}

Lead DecodeLead(Decoder& d) {
  Lead lead;
  lead.id = d.Varint();
  lead.fields = DecodeFields(d);
  return lead;
}

void EncodePatch(const LeadPatch& patch, Encoder& e) {
  e.Varint(patch.id);
  EncodeFields(patch.set, e);
  EncodeStrings(patch.unset, e);
  EncodeStrings(patch.add_tags, e);
  EncodeStrings(patch.remove_tags, e);
}

LeadPatch DecodePatch(Decoder& d) {
  LeadPatch patch;
  patch.id = d.Varint();
  patch.set = DecodeFields(d);
  patch.unset = DecodeStrings(d);
  patch.add_tags = DecodeStrings(d);
  patch.remove_tags = DecodeStrings(d);
  return patch;
}

void EncodeEvent(const Event& event, Encoder& e) {
  e.Varint(event.lead);
  e.Bytes(event.type);
  e.OptionalSigned(event.object);
  e.OptionalSigned(event.ts);
}

Event DecodeEvent(Decoder& d) {
  Event event;
  event.lead = d.Varint();
  event.type = std::string(d.Bytes());
  event.object = d.OptionalSigned();
  event.ts = d.OptionalSigned();
  return event;
}

void EncodeSegmentDefinition(const SegmentDefinition& def, Encoder& e) {
  e.Bytes(def.name);
  e.Bool(def.category.has_value());
  if (def.category) e.Bytes(*def.category);
  e.Bool(def.is_public);
  e.Bytes(def.description);
  e.Varint(def.filters.size());
  for (const Condition& c : def.filters) EncodeCondition(c, e);
}

SegmentDefinition DecodeSegmentDefinition(Decoder& d) {
  SegmentDefinition def;
  def.name = std::string(d.Bytes());
  if (d.Bool()) def.category = std::string(d.Bytes());
  def.is_public = d.Bool();
  def.description = std::string(d.Bytes());
  def.filters.resize(d.Count(8));
  for (Condition& c : def.filters) c = DecodeCondition(d);
  return def;
}

void EncodeCampaignDefinition(const CampaignDefinition& def, Encoder& e) {
  e.Bytes(def.name);
  e.U8(static_cast<uint8_t>(def.status));
  e.OptionalSigned(def.start);
  e.OptionalSigned(def.end);
  EncodeStrings(def.sources, e);
  EncodeStrings(def.workflow_segments, e);
}

CampaignDefinition DecodeCampaignDefinition(Decoder& d) {
  CampaignDefinition def;
  def.name = std::string(d.Bytes());
  def.status = d.Enum(CampaignStatus::kCompleted);
  def.start = d.OptionalSigned();
  def.end = d.OptionalSigned();
  def.sources = DecodeStrings(d);
  def.workflow_segments = DecodeStrings(d);
  return def;
}

void EncodeCampaignAction(const CampaignAction& action, Encoder& e) {
  e.U8(static_cast<uint8_t>(action.kind));
  e.Varint(action.lead);
  e.OptionalSigned(action.ts);
  e.Signed(action.score_delta);
  e.Varint(action.segment);
  e.Varint(action.from);
  e.Varint(action.to);
}

CampaignAction DecodeCampaignAction(Decoder& d) {
  CampaignAction action;
  action.kind = d.Enum(ActionKind::kCustom);
  action.lead = d.Varint();
  action.ts = d.OptionalSigned();
  action.score_delta = d.Signed();
  action.segment = static_cast<SegmentId>(d.Varint());
  action.from = static_cast<SegmentId>(d.Varint());
  action.to = static_cast<SegmentId>(d.Varint());
  return action;
}

}  // namespace audience
