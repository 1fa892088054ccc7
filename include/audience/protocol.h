// The line protocol of `audience replay` (docs/protocol.md): one JSON
// command in, one JSON response out, e.g.
//   {"op":"count","segment":"US VIPs"}  ->  {"ok":true,"count":42}
#ifndef AUDIENCE_PROTOCOL_H_
#define AUDIENCE_PROTOCOL_H_

#include <memory>
#include <string>
#include <string_view>

#include "audience/engine.h"

namespace audience {

// A Protocol is not thread-safe (it owns parse buffers): use one per
// connection or thread. The Engine it drives may be shared.
class Protocol {
 public:
  // `engine` must outlive the Protocol.
  explicit Protocol(Engine& engine);
  ~Protocol();
  Protocol(const Protocol&) = delete;
  Protocol& operator=(const Protocol&) = delete;

  // Executes one command and returns its response without a trailing
  // newline: {"ok":true,...} or {"ok":false,"error":{"code","message"}}.
  // Never fails: bad input becomes an error response.
  std::string Execute(std::string_view line);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace audience

#endif  // AUDIENCE_PROTOCOL_H_
