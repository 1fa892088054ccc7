// The Campaigns page (#/campaigns), minimal: the campaigns with their
// dates, sources, workflow segments and audience size; a form to create
// one whose source picker offers only public segments; delete with a
// confirmation. The engine checks everything (start required, end not
// before start, sources public, unique names); the page shows its message.
import {api} from './api.js';
import {announce, h, labelled, render, uid} from './dom.js';
import {closeDialogs, confirmDialog} from './confirm_dialog.js';
import {count, fromUtcInput, utc} from './format.js';

const STATUSES = ['draft', 'active', 'paused', 'completed'];

export async function show(main, params, context) {
  const loading = main.firstChild;
  let campaigns = [];
  let audiences = new Map(); // campaign id -> count, or an ApiError
  let segments = [];
  let alive = true;

  async function loadCampaigns() {
    const {campaigns: list} = await api.get('/v1/campaigns');
    const sizes = await Promise.all(list.map((c) => api
        .get(`/v1/campaigns/${c.id}/audience?limit=1`)
        .then((a) => a.count, (err) => err)));
    campaigns = list;
    audiences = new Map(list.map((c, i) => [c.id, sizes[i]]));
  }

  async function loadSegments() {
    ({segments} = await api.get('/v1/segments'));
  }

  await Promise.all([loadCampaigns(), loadSegments()]);
  if (!alive || main.firstChild !== loading) return undefined;

  // --- The table ----------------------------------------------------------
  const tableError = h('div', {class: 'form-error'});
  const tbody = h('tbody');
  const table = h('table', {class: 'campaigns'},
                  h('caption', {}, 'Campaigns'),
                  h('thead', {}, h('tr', {},
                                   h('th', {scope: 'col'}, 'Name'),
                                   h('th', {scope: 'col'}, 'Status'),
                                   h('th', {scope: 'col'}, 'Start (UTC)'),
                                   h('th', {scope: 'col'}, 'End (UTC)'),
                                   h('th', {scope: 'col'}, 'Sources'),
                                   h('th', {scope: 'col'}, 'Workflow segments'),
                                   h('th', {scope: 'col', class: 'num'}, 'Audience'),
                                   h('th', {scope: 'col'}, 'Actions'))),
                  tbody);

  // Segment names link to their view when the segment is known.
  function segmentLinks(names) {
    if (!names || names.length === 0) return '—';
    const byName = new Map(segments.map((s) => [s.name.toLowerCase(), s.id]));
    return h('ul', {class: 'names'}, names.map((name) => {
      const id = byName.get(name.toLowerCase());
      return h('li', {}, id === undefined ? name : h('a', {href: `#/segments/${id}`}, name));
    }));
  }

  function audienceCell(campaign) {
    const size = audiences.get(campaign.id);
    if (size instanceof Error) {
      return h('td', {class: 'num'}, h('span', {class: 'error'}, size.message));
    }
    return h('td', {class: 'num', dataset: {audience: String(campaign.id)}},
             size === undefined ? '—' : count(size));
  }

  function renderRows() {
    if (campaigns.length === 0) {
      render(tbody, h('tr', {}, h('td', {colspan: 8, class: 'hint'},
                                  'No campaigns yet. Create one below.')));
      return;
    }
    render(tbody, campaigns.map((c) => h('tr', {dataset: {id: String(c.id)}},
      h('th', {scope: 'row', class: 'name'}, c.name),
      h('td', {}, c.status),
      h('td', {class: 'time'}, utc(c.start)),
      h('td', {class: 'time'}, c.end === null || c.end === undefined ? 'open-ended' : utc(c.end)),
      h('td', {}, segmentLinks(c.sources)),
      h('td', {}, segmentLinks(c.workflow_segments)),
      audienceCell(c),
      h('td', {class: 'actions'},
        h('button', {type: 'button', class: 'danger', 'aria-label': `Delete ${c.name}`,
                     dataset: {delete: String(c.id)}, onclick: () => onDelete(c)}, 'Delete')))));
  }

  async function onDelete(campaign) {
    render(tableError);
    render(formError);
    const done = await confirmDialog(main, {
      title: `Delete campaign ${campaign.name}?`,
      body: h('p', {}, 'Its participation history goes with it; its segments stay. ',
              'This cannot be undone.'),
      action: () => api.del(`/v1/campaigns/${campaign.id}`),
    });
    if (!done || !alive) return;
    const index = campaigns.findIndex((c) => c.id === campaign.id);
    announce(`Campaign ${campaign.name} deleted`);
    await reloadTable();
    const next = campaigns[Math.min(index, campaigns.length - 1)];
    if (next) tbody.querySelector(`button[data-delete="${next.id}"]`)?.focus();
    else nameInput.focus();
  }

  async function reloadTable() {
    try {
      await loadCampaigns();
      if (!alive) return;
      renderRows();
    } catch (err) {
      if (alive) render(tableError, h('p', {role: 'alert', class: 'error'}, err.message));
    }
  }

  // --- The form -----------------------------------------------------------
  const nameInput = h('input', {type: 'text', name: 'name', autocomplete: 'off', required: true});
  const statusSelect = h('select', {name: 'status'},
                         STATUSES.map((s) => h('option', {value: s}, s)));
  const startInput = h('input', {type: 'datetime-local', name: 'start'});
  const endInput = h('input', {type: 'datetime-local', name: 'end'});
  const sourcesBox = h('div', {class: 'checks'});
  const workflowBox = h('div', {class: 'checks'});
  const formError = h('div', {class: 'form-error'});
  const submit = h('button', {type: 'submit', class: 'primary'}, 'Create campaign');
  const titleId = uid('new-campaign');
  const sourcesHintId = uid('sources-hint');

  function checkboxes(box, list, group) {
    if (list.length === 0) {
      render(box, h('p', {class: 'hint'}, group === 'sources'
        ? 'No public segment yet: make a segment public to use it as a source.'
        : 'No segments yet.'));
      return;
    }
    render(box, list.map((s) => h('label', {class: 'check'},
      h('input', {type: 'checkbox', name: group, value: s.name}), s.name)));
  }

  function renderPickers() {
    checkboxes(sourcesBox, segments.filter((s) => s.public), 'sources');
    checkboxes(workflowBox, segments, 'workflow_segments');
  }

  const checked = (box) => [...box.querySelectorAll('input[type=checkbox]:checked')]
      .map((input) => input.value);

  const form = h('form', {class: 'panel new-campaign', 'aria-labelledby': titleId,
                          onsubmit: onCreate},
    h('h2', {id: titleId}, 'New campaign'),
    h('div', {class: 'form-grid'},
      labelled('Campaign name', nameInput),
      labelled('Status', statusSelect),
      hinted('Start (UTC)', startInput, 'Date and time in UTC.'),
      hinted('End (UTC)', endInput, 'Optional: leave empty for an open-ended campaign.')),
    h('fieldset', {'aria-describedby': sourcesHintId},
      h('legend', {}, 'Sources'),
      h('p', {class: 'hint', id: sourcesHintId},
        'Only public segments can be sources. Their members make the audience.'),
      sourcesBox),
    h('fieldset', {},
      h('legend', {}, 'Workflow segments'),
      h('p', {class: 'hint'}, 'Segments the campaign moves leads into or out of.'),
      workflowBox),
    formError,
    h('div', {class: 'toolbar'}, submit));

  async function onCreate(e) {
    e.preventDefault();
    render(formError);
    render(tableError);
    submit.disabled = true;
    const body = {
      name: nameInput.value,
      status: statusSelect.value,
      start: fromUtcInput(startInput.value),
      end: fromUtcInput(endInput.value),
      sources: checked(sourcesBox),
      workflow_segments: checked(workflowBox),
    };
    try {
      const {id} = await api.post('/v1/campaigns', body);
      await reloadTable();
      if (!alive) return;
      const created = campaigns.find((c) => c.id === id);
      announce(`Campaign ${created?.name ?? body.name.trim()} created`);
      form.reset();
      // Segments may have been created or published since the page opened.
      try {
        await loadSegments();
        if (alive) renderPickers();
      } catch {
        // The pickers keep the list they have.
      }
      nameInput.focus();
    } catch (err) {
      render(formError, h('p', {role: 'alert', class: 'error'}, err.message));
    } finally {
      submit.disabled = false;
    }
  }

  // Membership changes move audiences: refresh the sizes, at most once a
  // second. A resync means we may have missed anything: reload the table.
  context.reloadOnChange(reloadTable, {delay: 1000});

  renderRows();
  renderPickers();
  render(main,
         h('h1', {}, 'Campaigns'),
         tableError,
         h('div', {class: 'table-wrap'}, table),
         form);

  return () => {
    alive = false;
    closeDialogs(main);
  };
}

// labelled() with its hint tied to the control (aria-describedby).
function hinted(text, control, hint) {
  const field = labelled(text, control, hint);
  const small = field.querySelector('.hint');
  small.id = `${control.id}-hint`;
  control.setAttribute('aria-describedby', small.id);
  return field;
}
