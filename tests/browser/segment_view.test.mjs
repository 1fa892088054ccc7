// View (web/js/segment_view.js, chart.js): the three statistics, the Leads
// Over Time chart and its data table, statistics by campaign, and the paged
// Leads tab, each compared with what the API answers.
import assert from 'node:assert/strict';
import {eventually, fmt, heading, navigate, num, parseUtc, readDefinitions,
        readTable, useScreen} from './harness.mjs';

const {it} = useScreen();

// "Warm" is the demo campaign's workflow segment: leads move into it day
// by day, so its chart has something to show.
const name = 'Warm';

async function openView(page, api) {
  const segment = await api.segmentNamed(name);
  await navigate(page, 'Segments');
  await page.getByRole('button', {name: `View ${name}`, exact: true}).click();
  await heading(page, name);
  return segment;
}

// The buckets the "Leads over time data" table shows, and the API's for
// the same range and width. The table may sit in a collapsed disclosure
// under the chart ("Show the numbers"), which a reader opens.
async function compareLeadsOverTime(page, api, id, bucket) {
  const table = page.getByRole('table', {name: 'Leads over time data', exact: true});
  const disclosure = page.getByText('Show the numbers', {exact: true});
  return eventually(async () => {
    if (!await table.isVisible()) {
      if (await disclosure.isVisible()) await disclosure.click();
      throw new Error('the "Leads over time data" table is not shown');
    }
    // Short waits: the view redraws the chart and its table as data comes.
    const {headers, rows} = await readTable(table, {timeout: 1000});
    assert.deepEqual(headers, ['Start (UTC)', 'Added', 'Removed', 'Total']);
    assert.ok(rows.length > 1, 'the table shows no buckets');
    const shown = rows.map((r) => ({start: parseUtc(r['Start (UTC)']), added: num(r.Added),
                                    removed: num(r.Removed), total: num(r.Total)}));
    const from = shown[0].start;
    const to = shown[shown.length - 1].start;
    const {buckets} = await api.get(
        `/v1/segments/${id}/leads_over_time?from=${from}&to=${to}&bucket=${bucket}`);
    assert.deepEqual(shown, buckets);
    return shown;
  });
}

it('shows the statistics, the leads over time and statistics by campaign', async ({page, api}) => {
  const segment = await openView(page, api);
  for (const name of ['Edit', 'Delete', 'Back to segments']) {
    await page.getByRole('button', {name, exact: true}).waitFor();
  }
  const stats = await api.get(`/v1/segments/${segment.id}/stats`);
  await page.getByRole('tab', {name: 'Statistics', exact: true}).click();

  const panel = page.getByRole('tabpanel', {name: 'Statistics'});
  await eventually(async () => {
    const shown = await readDefinitions(panel.locator('dl').filter({hasText: 'Total leads'}));
    assert.deepEqual(
        {total: shown['Total leads'], active: shown['Active campaigns'],
         participated: shown['Campaigns participated']},
        {total: fmt(stats.total_leads), active: fmt(stats.active_campaigns),
         participated: fmt(stats.campaigns_participated)});
  });

  await panel.getByRole('heading', {name: 'Leads over time', exact: true}).waitFor();
  // The chart itself (uPlot draws on a canvas); its points are the table's.
  await panel.locator('canvas').first().waitFor();
  const bucketSelect = panel.getByLabel('Bucket', {exact: true});
  const days = await compareLeadsOverTime(page, api, segment.id, 'day');
  assert.equal(days.at(-1).total, stats.total_leads, 'the last day ends at the segment\'s size');
  assert.ok(days.some((d) => d.added > 0), 'the chart shows no change');

  const byCampaign = await readTable(
      panel.getByRole('table', {name: 'Segment statistics by campaign', exact: true}));
  for (const campaign of stats.by_campaign) {
    const row = byCampaign.rows.find((r) => Object.values(r).includes(campaign.campaign));
    assert.ok(row, `no row for campaign ${campaign.campaign}`);
    assert.ok(Object.values(row).includes(fmt(campaign.participated)),
              `${JSON.stringify(row)} lacks participated ${campaign.participated}`);
  }

  // Hourly buckets, from the Bucket select.
  await bucketSelect.selectOption({label: 'Hour'});
  await eventually(async () => {
    const hours = await compareLeadsOverTime(page, api, segment.id, 'hour');
    assert.ok(hours.length > 1 && hours[1].start - hours[0].start === 3600);
  });
  await bucketSelect.selectOption({label: 'Day'});
  await compareLeadsOverTime(page, api, segment.id, 'day');
});

it('pages through the Leads tab as the API does', async ({page, api}) => {
  const segment = await openView(page, api);
  await page.getByRole('tab', {name: 'Leads', exact: true}).click();
  const table = page.getByRole('table', {name: 'Leads', exact: true});

  const first = await eventually(async () => {
    const {headers, rows} = await readTable(table);
    for (const column of ['Lead', 'Score', 'Details', 'Segments', 'Campaigns', 'Latest activity']) {
      assert.ok(headers.includes(column), `no column ${column} in ${headers}`);
    }
    assert.ok(rows.length > 1);
    return rows;
  });
  const limit = first.length;
  const page1 = await api.get(`/v1/segments/${segment.id}/leads?limit=${limit}`);
  assert.deepEqual(first.map((r) => num(r.Lead)), page1.leads.map((l) => l.id));
  assert.deepEqual(first.map((r) => r.Score), page1.leads.map((l) => fmt(l.score)));
  assert.ok(page1.next !== null, 'Warm fits on one page; pick a larger segment');
  for (const [i, lead] of page1.leads.entries()) {
    for (const s of lead.segments) assert.ok(first[i].Segments.includes(s), `${lead.id}: ${s}`);
    for (const c of lead.campaigns) assert.ok(first[i].Campaigns.includes(c), `${lead.id}: ${c}`);
  }

  await page.getByRole('button', {name: 'Next page', exact: true}).click();
  const page2 = await api.get(`/v1/segments/${segment.id}/leads?after=${page1.next}&limit=${limit}`);
  await eventually(async () => {
    const {rows} = await readTable(table);
    assert.deepEqual(rows.map((r) => num(r.Lead)), page2.leads.map((l) => l.id));
  });

  await page.getByRole('button', {name: 'First page', exact: true}).click();
  await eventually(async () => {
    const {rows} = await readTable(table);
    assert.deepEqual(rows.map((r) => num(r.Lead)), page1.leads.map((l) => l.id));
  });

  // "Why is lead <id> here?" explains the first lead's membership: in
  // Warm, a lead is there because the campaign moved it (a manual add).
  const lead = page1.leads[0].id;
  const explanation = await api.get(`/v1/segments/${segment.id}/explain/${lead}`);
  assert.deepEqual([explanation.member, explanation.manual], [true, 'added']);
  const leadsPanel = page.getByRole('tabpanel', {name: 'Leads'});
  const before = await leadsPanel.innerText();
  await page.getByRole('button', {name: `Why is lead ${lead} here?`, exact: true}).click();
  await eventually(async () => {
    const text = await leadsPanel.innerText();
    assert.notEqual(text, before, 'nothing was explained');
    assert.match(text, /manual|added|transfer/i);
  });
});
