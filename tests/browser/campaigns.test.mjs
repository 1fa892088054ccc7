// The Campaigns page (web/js/campaigns.js): its Sources picker offers only
// public segments, and a campaign created there is in the table and in the
// engine as entered.
import assert from 'node:assert/strict';
import {eventually, navigate, readTable, useScreen} from './harness.mjs';

const {it} = useScreen();

it('offers only public segments as sources', async ({page, api}) => {
  await api.createSegment({name: 'Private list', public: false, filters: []});
  await api.createSegment({name: 'Public list', public: true, filters: []});
  const publicNames = (await api.segments()).filter((s) => s.public).map((s) => s.name);

  await navigate(page, 'Campaigns');
  const sources = page.getByRole('group', {name: 'Sources', exact: true});
  await sources.getByRole('checkbox', {name: 'Public list', exact: true}).waitFor();
  assert.equal(await sources.getByRole('checkbox', {name: 'Private list', exact: true}).count(), 0);
  assert.equal(await sources.getByRole('checkbox').count(), publicNames.length);
  for (const name of publicNames) {
    assert.equal(await sources.getByRole('checkbox', {name, exact: true}).count(), 1, name);
  }
});

it('creates a campaign that appears in the table', async ({page, api}) => {
  await navigate(page, 'Campaigns');
  const table = page.getByRole('table', {name: 'Campaigns', exact: true});
  await eventually(async () => {
    const {rows} = await readTable(table);
    assert.ok(rows.some((r) => Object.values(r).includes('Autumn nurture')));
  });

  await page.getByRole('heading', {name: 'New campaign', exact: true}).waitFor();
  await page.getByLabel('Campaign name', {exact: true}).fill('Winter push');
  await page.getByLabel('Status', {exact: true}).selectOption('active');
  await page.getByLabel('Start (UTC)', {exact: true}).fill('2026-12-01T00:00');
  await page.getByLabel('End (UTC)', {exact: true}).fill('2027-01-31T12:30');
  const sources = page.getByRole('group', {name: 'Sources', exact: true});
  await sources.getByRole('checkbox', {name: 'VIP', exact: true}).check();
  await sources.getByRole('checkbox', {name: 'High score', exact: true}).check();
  const workflow = page.getByRole('group', {name: 'Workflow segments', exact: true});
  await workflow.getByRole('checkbox', {name: 'Cold', exact: true}).check();
  await page.getByRole('button', {name: 'Create campaign', exact: true}).click();

  await eventually(async () => {
    const {rows} = await readTable(table);
    assert.ok(rows.some((r) => Object.values(r).includes('Winter push')), 'not in the table');
  });
  const {campaigns} = await api.get('/v1/campaigns');
  const created = campaigns.find((c) => c.name === 'Winter push');
  assert.ok(created, 'not in the engine');
  assert.equal(created.status, 'active');
  assert.equal(created.start, Date.UTC(2026, 11, 1) / 1000);
  assert.equal(created.end, Date.UTC(2027, 0, 31, 12, 30) / 1000);
  assert.deepEqual([...created.sources].sort(), ['High score', 'VIP']);
  assert.deepEqual(created.workflow_segments, ['Cold']);
});
