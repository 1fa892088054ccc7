// Leads, patches and events from simdjson DOM values, for the line protocol
// (bulk loads use the On Demand parser in lead_json.h). Values are taken as
// written; the engine checks them against the field types.
#ifndef AUDIENCE_IO_LEAD_DOM_H_
#define AUDIENCE_IO_LEAD_DOM_H_

#include <simdjson.h>

#include <string_view>

#include "absl/status/statusor.h"
#include "audience/lead.h"

namespace audience {

// null -> empty, string, integer, number, boolean, array of strings (tags).
absl::StatusOr<Value> ValueFromJson(simdjson::dom::element e,
                                    std::string_view path);
// {"id": 7, <field>: <value>, ...}
absl::StatusOr<Lead> LeadFromJson(simdjson::dom::element e);
// {"id", "set", "unset", "add_tags", "remove_tags"} of a patch_lead command.
absl::StatusOr<LeadPatch> PatchFromJson(simdjson::dom::object command);
// {"lead", "type", "object", "ts"} of an event command.
absl::StatusOr<Event> EventFromJson(simdjson::dom::object command);

}  // namespace audience

#endif  // AUDIENCE_IO_LEAD_DOM_H_
