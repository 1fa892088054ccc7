#include "audience/protocol.h"

#include "io/command_runner.h"
#include "io/json_writer.h"

namespace audience {

class Protocol::Impl {
 public:
  explicit Impl(Engine& engine) : runner_(engine) {}

  std::string Execute(std::string_view line) {
    JsonWriter out;
    out.BeginObject().Key("ok").Bool(true);
    absl::Status status = runner_.Run(line, out);
    if (status.ok()) return out.EndObject().Take();
    JsonWriter error;
    error.BeginObject().Key("ok").Bool(false).Key("error").BeginObject();
    error.Key("code").String(absl::StatusCodeToString(status.code()));
    error.Key("message").String(std::string(status.message()));
    return error.EndObject().EndObject().Take();
  }

 private:
  CommandRunner runner_;
};

Protocol::Protocol(Engine& engine) : impl_(std::make_unique<Impl>(engine)) {}
Protocol::~Protocol() = default;

std::string Protocol::Execute(std::string_view line) {
  return impl_->Execute(line);
}

}  // namespace audience
