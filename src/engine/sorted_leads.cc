#include "engine/sorted_leads.h"

#include <algorithm>

namespace audience {

namespace {

// Rows in lead id order: the page is the next `limit` rows of the bitmap.
MembersPage InRowOrder(const LeadStore& store, const Roaring& rows,
                       std::optional<LeadId> after, size_t limit) {
  MembersPage page;
  roaring_uint32_iterator_t it;
  roaring_init_iterator(&rows.roaring, &it);
  if (after && !roaring_move_uint32_iterator_equalorlarger(
                   &it, store.FirstRowAfter(*after))) {
    return page;
  }
  for (; it.has_value; roaring_advance_uint32_iterator(&it)) {
    if (page.leads.size() == limit) {
      page.next = page.leads.back();
      break;
    }
    page.leads.push_back(store.lead_id(it.current_value));
  }
  return page;
}

}  // namespace

MembersPage SortedLeads(const LeadStore& store, const Roaring& rows,
                        std::optional<LeadId> after, size_t limit) {
  if (store.rows_in_id_order()) return InRowOrder(store, rows, after, limit);
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
