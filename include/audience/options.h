// Options for opening an Engine.
#ifndef AUDIENCE_OPTIONS_H_
#define AUDIENCE_OPTIONS_H_

#include <cstddef>

#include "audience/types.h"

namespace audience {

struct EngineOptions {
  // Behaviour

  // The clock's starting value ("now"). The host moves it with
  // Engine::AdvanceClock; it never moves backwards.
  // Default: 0
  Timestamp now = 0;

  // How many error messages a LoadReport keeps; the count of rejected lines
  // is always exact.
  // Default: 100
  size_t max_load_errors = 100;
};

}  // namespace audience

#endif  // AUDIENCE_OPTIONS_H_
