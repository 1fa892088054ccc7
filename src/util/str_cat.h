// StrCat / StrAppend that take std::string_view. Debian's Abseil is built
// with its own absl::string_view (ABSL_OPTION_USE_STD_STRING_VIEW 0), so
// absl::StrCat rejects std::string_view arguments; these accept both.
#ifndef AUDIENCE_UTIL_STR_CAT_H_
#define AUDIENCE_UTIL_STR_CAT_H_

#include <initializer_list>
#include <string>
#include <string_view>
#include <type_traits>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace audience {

class StrPiece {
 public:
  StrPiece(std::string_view s) : view_(s) {}    // NOLINT: implicit by design
  StrPiece(const char* s) : view_(s) {}         // NOLINT
  StrPiece(const std::string& s) : view_(s) {}  // NOLINT
  StrPiece(absl::string_view s) : view_(s.data(), s.size()) {}  // NOLINT
  StrPiece(const absl::AlphaNum& a)  // NOLINT: absl::Hex and friends
      : view_(a.data(), a.size()) {}
  template <typename T, typename = std::enable_if_t<std::is_arithmetic_v<T> &&
                                                    !std::is_same_v<T, bool> &&
                                                    !std::is_same_v<T, char>>>
  StrPiece(T v) {  // NOLINT
    absl::AlphaNum a(v);
    size_ = a.size();
    for (size_t i = 0; i < size_; ++i) buffer_[i] = a.data()[i];
    view_ = std::string_view(buffer_, size_);
  }
  StrPiece(const StrPiece& other) { *this = other; }
  StrPiece& operator=(const StrPiece& other) {
    size_ = other.size_;
    for (size_t i = 0; i < size_; ++i) buffer_[i] = other.buffer_[i];
    view_ = other.view_.data() == other.buffer_
                ? std::string_view(buffer_, size_)
                : other.view_;
    return *this;
  }

  std::string_view view() const { return view_; }

 private:
  std::string_view view_;
  char buffer_[absl::numbers_internal::kSixDigitsToBufferSize + 8] = {};
  size_t size_ = 0;
};

void AppendPieces(std::string* out, std::initializer_list<StrPiece> pieces);

template <typename... Args>
std::string StrCat(const Args&... args) {
  std::string out;
  AppendPieces(&out, {StrPiece(args)...});
  return out;
}

template <typename... Args>
void StrAppend(std::string* out, const Args&... args) {
  AppendPieces(out, {StrPiece(args)...});
}

}  // namespace audience

#endif  // AUDIENCE_UTIL_STR_CAT_H_
