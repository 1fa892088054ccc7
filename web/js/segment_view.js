// View (#/segments/{id}): the segment's information and filters, the
// Statistics tab (total leads, active campaigns, campaigns participated,
// Leads Over Time, statistics and activity by campaign) and the Leads tab
// (paged members with their details, memberships, campaigns, activity and
// score, and why each is there). Statistics follow the change stream.
import {api} from './api.js';
import {drawLeadsOverTime} from './chart.js';
import {confirmDelete} from './delete_dialog.js';
import {announce, h, labelled, render, tabs} from './dom.js';
import {children, describe} from './filter_builder.js';
import {count, utc, value} from './format.js';

const DAY = 86400;
const PAGE = 20;

// The filters as nested lists: groups introduce their children.
function filterTree(conditions) {
  return h('ol', {class: 'tree'}, conditions.map((c) => h('li', {}, describe(c),
      children(c).length ? filterTree(children(c)) : null)));
}

// Explain's outcomes beside the conditions they are about, nested as the
// filters are.
function outcomeTree(outcomes, conditions, value) {
  return h('ul', {class: 'tree'}, outcomes.map((o) => {
    const c = conditions[o.index];
    const verdict = h('span', {class: o.held ? 'outcome-held' : 'outcome-no'},
                      o.held ? '✓ holds' : '✗ does not hold');
    if (o.group) {
      return h('li', {}, verdict, `: ${describe(c)}`,
               outcomeTree(o.conditions, children(c), value));
    }
    return h('li', {}, verdict, `: ${describe(c)} (value: ${value(o.value)})`);
  }));
}

function table(caption, columns, rows, empty) {
  return h('div', {class: 'table-wrap'},
    h('table', {},
      h('caption', {class: 'heading'}, caption),
      h('thead', {}, h('tr', {}, columns.map(([label, cls]) =>
          h('th', {scope: 'col', class: cls}, label)))),
      h('tbody', {}, rows.length ? rows
                                 : h('tr', {}, h('td', {colspan: columns.length}, empty)))));
}

export async function show(main, params, context) {
  const id = params.id;
  const [{segment}, {fields}] = await Promise.all(
      [api.get(`/v1/segments/${id}`), api.get('/v1/fields')]);
  const types = new Map(fields.map((f) => [f.name, f.type]));
  const fieldText = (name, v) => (types.get(name) === 'timestamp' ? utc(v) : value(v));

  // Statistics tab.
  const metrics = h('dl', {class: 'metrics'});
  const bucket = h('select', {}, h('option', {value: 'day'}, 'Day'),
                   h('option', {value: 'hour'}, 'Hour'));
  const chart = h('div', {});
  const byCampaign = h('div', {});
  const statistics = h('div', {},
      metrics,
      h('h2', {}, 'Leads over time'),
      h('div', {class: 'toolbar'}, labelled('Bucket', bucket,
                                             'last 30 days by day, last 48 hours by hour (UTC)')),
      chart,
      byCampaign);

  async function loadStatistics() {
    const [stats, {now}] = await Promise.all(
        [api.get(`/v1/segments/${id}/stats`), api.get('/v1/clock')]);
    render(metrics,
      [['Total leads', stats.total_leads], ['Active campaigns', stats.active_campaigns],
       ['Campaigns participated', stats.campaigns_participated]].map(([label, n]) =>
          h('div', {class: 'metric'}, h('dt', {}, label), h('dd', {}, count(n)))));
    const kinds = ['email_sent', 'email_opened', 'email_clicked', 'sms_sent', 'custom',
                   'change_score', 'add_to_segment', 'remove_from_segment', 'transfer'];
    render(byCampaign, table('Segment statistics by campaign',
        [['Campaign'], ['Leads participated', 'num'],
         ...kinds.map((k) => [k.replaceAll('_', ' '), 'num hide-narrow'])],
        stats.by_campaign.map((c) => h('tr', {},
            h('th', {scope: 'row'}, c.campaign),
            h('td', {class: 'num'}, count(c.participated)),
            kinds.map((k) => h('td', {class: 'num hide-narrow'}, count(c.actions[k] ?? 0))))),
        'No campaign uses this segment.'));
    const span = bucket.value === 'hour' ? 47 * 3600 : 29 * DAY;
    const history = await api.get(
        `/v1/segments/${id}/leads_over_time?from=${Math.max(0, now - span)}&to=${now}` +
        `&bucket=${bucket.value}`);
    await drawLeadsOverTime(chart, history.buckets, bucket.value);
  }
  bucket.addEventListener('change', () => loadStatistics());

  // Leads tab.
  const leadsArea = h('div', {});
  const explanation = h('div', {});
  const pages = [null];  // cursors of the pages seen: the first starts at null
  let page = 0;
  async function loadLeads() {
    const after = pages[page];
    const answer = await api.get(`/v1/segments/${id}/leads?limit=${PAGE}` +
                                 (after !== null ? `&after=${after}` : ''));
    pages[page + 1] = answer.next;
    const rows = answer.leads.map((lead) => {
      const latest = lead.recent_activity[0];
      const details = Object.entries(lead.fields)
          .filter(([k]) => k !== 'score')
          .map(([k, v]) => `${k}: ${fieldText(k, v)}`).join('; ');
      return h('tr', {dataset: {lead: lead.id}},
        h('th', {scope: 'row'}, String(lead.id)),
        h('td', {class: 'num'}, lead.score === null ? '—' : count(lead.score)),
        h('td', {}, details || '—'),
        h('td', {}, lead.segments.join(', ') || '—'),
        h('td', {}, lead.campaigns.join(', ') || '—'),
        h('td', {}, latest ? `${latest.type}${latest.object !== null ? ` #${latest.object}` : ''}` +
                             ` on ${utc(latest.ts)}` : '—'),
        h('td', {}, h('button', {type: 'button', class: 'link',
                                 onclick: () => explain(lead.id)},
                      `Why is lead ${lead.id} here?`)));
    });
    const first = page * PAGE + 1;
    render(leadsArea,
      table('Leads', [['Lead'], ['Score', 'num'], ['Details'], ['Segments'], ['Campaigns'],
                      ['Latest activity'], ['Explain']], rows, 'No members.'),
      h('div', {class: 'toolbar'},
        h('button', {type: 'button', disabled: page === 0,
                     onclick: () => { page = 0; loadLeads(); }}, 'First page'),
        h('button', {type: 'button', disabled: answer.next === null,
                     onclick: () => { page += 1; loadLeads(); }}, 'Next page'),
        h('span', {class: 'hint'},
          answer.leads.length ? `Leads ${count(first)}–${count(first + answer.leads.length - 1)}`
                              : '')));
  }

  async function explain(lead) {
    const why = await api.get(`/v1/segments/${id}/explain/${lead}`);
    const verdict = why.member
        ? (why.manual === 'added' ? 'added by hand' : 'its data matches every condition')
        : (why.manual === 'removed' ? 'removed by hand' : 'a condition does not hold');
    render(explanation,
      h('section', {role: 'region', 'aria-label': `Explanation for lead ${lead}`,
                    class: 'preview'},
        h('h3', {}, `Lead ${lead} is ${why.member ? '' : 'not '}a member: ${verdict}`),
        outcomeTree(why.conditions, segment.filters, value)));
    explanation.querySelector('h3')?.setAttribute('tabindex', '-1');
    explanation.querySelector('h3')?.focus();
  }

  const leads = h('div', {}, leadsArea, explanation);
  const view = tabs([
    {id: 'statistics', label: 'Statistics', panel: statistics},
    {id: 'leads', label: 'Leads', panel: leads},
  ], 'statistics', (tab) => {
    if (tab === 'leads' && !leadsArea.firstChild) loadLeads();
  });

  render(main,
    h('h1', {}, segment.name),
    h('div', {class: 'toolbar'},
      h('button', {type: 'button', class: 'primary',
                   onclick: () => context.navigate(`#/segments/${id}/edit`)}, 'Edit'),
      h('button', {type: 'button', class: 'danger',
                   onclick: async () => {
                     if (await confirmDelete(segment)) {
                       announce(`Segment ${segment.name} deleted`);
                       context.navigate('#/segments');
                     }
                   }}, 'Delete'),
      h('span', {class: 'spacer'}),
      h('button', {type: 'button', onclick: () => context.navigate('#/segments')},
        'Back to segments')),
    h('section', {'aria-labelledby': 'info-title'},
      h('h2', {id: 'info-title'}, 'Information'),
      h('dl', {class: 'info'},
        h('dt', {}, 'Id'), h('dd', {}, String(segment.id)),
        h('dt', {}, 'Category'), h('dd', {}, segment.category ?? '—'),
        h('dt', {}, 'Public'), h('dd', {}, segment.public ? 'Yes' : 'No'),
        h('dt', {}, 'Description'), h('dd', {}, segment.description || '—'))),
    h('section', {'aria-labelledby': 'filters-title'},
      h('h2', {id: 'filters-title'}, 'Filters'),
      segment.filters.length
          ? filterTree(segment.filters)
          : h('p', {}, 'No filters: a manual list, filled by hand and by transfers.')),
    view.element);

  await loadStatistics();
  context.reloadOnChange(loadStatistics, {delay: 500, segment: id});
}
