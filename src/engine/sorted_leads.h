// Turning a row bitmap into a page of lead ids in ascending order.
#ifndef AUDIENCE_ENGINE_SORTED_LEADS_H_
#define AUDIENCE_ENGINE_SORTED_LEADS_H_

#include <cstddef>
#include <optional>

#include "audience/segment.h"
#include "store/lead_store.h"
#include "util/bitmap.h"

namespace audience {

// The first `limit` lead ids of `rows` greater than `after`, ascending, and
// the cursor of the next page. Cost: linear in |rows| (rows are not in lead
// id order), plus a sort of the page.
MembersPage SortedLeads(const LeadStore& store, const Roaring& rows,
                        std::optional<LeadId> after, size_t limit);

}  // namespace audience

#endif  // AUDIENCE_ENGINE_SORTED_LEADS_H_
