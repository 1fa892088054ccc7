// The Segments list (#/segments): every segment with its category, public
// flag, members and the campaigns using it; New, View, Edit and Delete.
// Member counts follow the change stream.
import {api} from './api.js';
import {confirmDelete} from './delete_dialog.js';
import {announce, h, render} from './dom.js';
import {count} from './format.js';

// Campaigns using each segment (as a source or a workflow segment), by
// segment name as the campaigns list names them.
function campaignsBySegment(campaigns) {
  const uses = new Map();
  for (const c of campaigns) {
    for (const name of new Set([...c.sources, ...c.workflow_segments])) {
      const key = name.toLowerCase();
      uses.set(key, [...(uses.get(key) ?? []), c.name]);
    }
  }
  return uses;
}

export async function show(main, params, context) {
  const table = h('div', {class: 'table-wrap'});
  render(main,
         h('h1', {}, 'Segments'),
         h('div', {class: 'toolbar'},
           h('button', {type: 'button', class: 'primary',
                        onclick: () => context.navigate('#/segments/new')},
             'New segment')),
         table);

  async function load() {
    const [{segments}, {campaigns}] = await Promise.all(
        [api.get('/v1/segments'), api.get('/v1/campaigns')]);
    const uses = campaignsBySegment(campaigns);
    const rows = segments.map((s) => {
      const using = uses.get(s.name.toLowerCase()) ?? [];
      return h('tr', {dataset: {segmentId: s.id}},
               h('th', {scope: 'row'},
                 h('a', {href: `#/segments/${s.id}`}, s.name)),
               h('td', {}, s.category ?? '—'),
               h('td', {}, s.public ? 'Yes' : 'No'),
               h('td', {class: 'num', dataset: {members: ''}}, count(s.count)),
               h('td', {class: 'num', title: using.join(', ')}, count(using.length)),
               h('td', {class: 'actions'},
                 h('button', {type: 'button', 'aria-label': `View ${s.name}`,
                              onclick: () => context.navigate(`#/segments/${s.id}`)},
                   'View'),
                 h('button', {type: 'button', 'aria-label': `Edit ${s.name}`,
                              onclick: () => context.navigate(`#/segments/${s.id}/edit`)},
                   'Edit'),
                 h('button', {type: 'button', class: 'danger', 'aria-label': `Delete ${s.name}`,
                              onclick: async () => {
                                if (await confirmDelete(s)) {
                                  announce(`Segment ${s.name} deleted`);
                                  load();
                                }
                              }},
                   'Delete')));
    });
    render(table,
           h('table', {},
             h('caption', {}, 'Segments'),
             h('thead', {},
               h('tr', {},
                 ['Name', 'Category', 'Public', 'Members', 'Campaigns', 'Actions'].map(
                     (label) => h('th', {scope: 'col',
                                         class: label === 'Members' || label === 'Campaigns' ? 'num' : null},
                                  label)))),
             h('tbody', {}, rows.length ? rows : h('tr', {}, h('td', {colspan: 6},
                                                               'No segments yet.')))));
  }

  await load();
  // Counts move with every membership change; a burst of changes reloads
  // once (exact counts, whatever was missed while the list loaded).
  context.reloadOnChange(load);
}
