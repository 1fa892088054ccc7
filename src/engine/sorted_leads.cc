#include "engine/sorted_leads.h"

#include <algorithm>

namespace audience {

MembersPage SortedLeads(const LeadStore& store, const Roaring& rows,
                        std::optional<LeadId> after, size_t limit) {
  std::vector<LeadId> ids;
  ids.reserve(static_cast<size_t>(rows.cardinality()));
  ForEachRow(rows, [&](Row row) {
    LeadId id = store.lead_id(row);
    if (!after || id > *after) ids.push_back(id);
  });
  MembersPage page;
  const bool more = ids.size() > limit;
  if (more) {
    std::nth_element(ids.begin(), ids.begin() + limit, ids.end());
    ids.resize(limit);
  }
  std::sort(ids.begin(), ids.end());
  if (more) page.next = ids.back();
  page.leads = std::move(ids);
  return page;
}

}  // namespace audience
