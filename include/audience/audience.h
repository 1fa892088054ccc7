// Everything a host needs: #include "audience/audience.h".
#ifndef AUDIENCE_AUDIENCE_H_
#define AUDIENCE_AUDIENCE_H_

#include "audience/campaign.h"    // IWYU pragma: export
#include "audience/engine.h"      // IWYU pragma: export
#include "audience/filter.h"      // IWYU pragma: export
#include "audience/json.h"        // IWYU pragma: export
#include "audience/lead.h"        // IWYU pragma: export
#include "audience/membership.h"  // IWYU pragma: export
#include "audience/options.h"     // IWYU pragma: export
#include "audience/protocol.h"    // IWYU pragma: export
#include "audience/schema.h"      // IWYU pragma: export
#include "audience/segment.h"     // IWYU pragma: export
#include "audience/types.h"       // IWYU pragma: export

#endif  // AUDIENCE_AUDIENCE_H_
