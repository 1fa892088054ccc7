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

  // Performance

  // When true, a lead change or event re-checks only the segments whose
  // answer it can flip (a per-field index of the segments' bounds and
  // terms), and a clock advance only the leads whose times cross a window
  // edge. When false, every segment is point-evaluated for the changed lead
  // and every time-relative segment re-evaluated on a clock advance: the
  // naive path, kept for comparison; answers are the same.
  // Default: true
  bool incremental_index = true;
};

}  // namespace audience

#endif  // AUDIENCE_OPTIONS_H_
