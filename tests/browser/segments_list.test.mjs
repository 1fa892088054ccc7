// The Segments list (web/js/segments_list.js, delete_dialog.js): the rows
// and their counts as the API gives them, Delete refused until forced for
// a segment a campaign uses, and member counts that follow the change
// stream while the page is open.
import assert from 'node:assert/strict';
import {eventually, expectText, fmt, navigate, readRow, readTable, segmentRow, useScreen} from './harness.mjs';

const {it} = useScreen();

it('lists every segment with its category, members and campaigns', async ({page, api}) => {
  await navigate(page, 'Segments');
  const table = page.getByRole('table', {name: 'Segments', exact: true});
  const segments = await api.segments();
  const {campaigns} = await api.get('/v1/campaigns');
  await eventually(async () => {
    const {headers, rows} = await readTable(table);
    assert.deepEqual(headers, ['Name', 'Category', 'Public', 'Members', 'Campaigns', 'Actions']);
    assert.equal(rows.length, segments.length);
  });
  for (const segment of segments) {
    const row = await readRow(segmentRow(page, segment.name));
    assert.ok(row.Name.startsWith(segment.name), `${row.Name} is not ${segment.name}`);
    assert.equal(row.Members, fmt(segment.count), segment.name);
    if (segment.category) assert.equal(row.Category, segment.category);
    const users = campaigns.filter(
        (c) => c.sources.includes(segment.name) || c.workflow_segments.includes(segment.name));
    for (const c of users) assert.ok(row.Campaigns.includes(c.name) || row.Campaigns === fmt(users.length),
                                     `${segment.name}: campaigns ${row.Campaigns}`);
  }
});

it('refuses to delete a segment a campaign uses until forced, naming the campaign',
   async ({page, api}) => {
     const id = await api.createSegment({
       name: 'Doomed', public: true, filters: [{field: 'score', op: 'gte', value: 950}],
     });
     const {id: campaign} = await api.post('/v1/campaigns', {
       name: 'Doomed campaign', status: 'draft', start: 1790000000, end: 1800000000,
       sources: ['Doomed'], workflow_segments: [],
     });

     await navigate(page, 'Segments');
     await page.getByRole('button', {name: 'Delete Doomed', exact: true}).click();
     const dialog = page.getByRole('dialog')
         .filter({has: page.getByRole('heading', {name: 'Delete Doomed?', exact: true})});
     await dialog.waitFor();
     const text = await dialog.innerText();
     assert.match(text, /Used by campaigns:[\s\S]*Doomed campaign/);
     const remove = dialog.getByRole('button', {name: 'Delete', exact: true});
     const detach = dialog.getByRole('checkbox', {name: 'Detach from these campaigns and delete'});
     assert.equal(await remove.isDisabled(), true, 'Delete is enabled before the checkbox');
     await detach.check();
     await eventually(async () => assert.equal(await remove.isEnabled(), true));
     // Unchecking disables it again.
     await detach.uncheck();
     await eventually(async () => assert.equal(await remove.isDisabled(), true));
     assert.equal((await api.get(`/v1/segments/${id}`)).segment.name, 'Doomed');

     await detach.check();
     await remove.click();
     await dialog.waitFor({state: 'hidden'});
     await eventually(async () => assert.equal(await segmentRow(page, 'Doomed').count(), 0));
     await expectText(page.getByRole('status'), 'Doomed');
     assert.equal((await api.request('GET', `/v1/segments/${id}`)).status, 404);
     assert.deepEqual((await api.get(`/v1/campaigns/${campaign}`)).campaign.sources, []);
   });

it('cannot delete a segment another segment\'s filters reference', async ({page, api}) => {
  const id = await api.createSegment({name: 'Base', public: true,
                                      filters: [{field: 'score', op: 'gte', value: 100}]});
  await api.createSegment({name: 'Derived', public: false,
                           filters: [{segment: 'Base', op: 'member'}]});
  await navigate(page, 'Segments');
  await page.getByRole('button', {name: 'Delete Base', exact: true}).click();
  const dialog = page.getByRole('dialog')
      .filter({has: page.getByRole('heading', {name: 'Delete Base?', exact: true})});
  await dialog.waitFor();
  assert.match(await dialog.innerText(), /Referenced by segments:[\s\S]*Derived/);
  assert.equal(await dialog.getByRole('button', {name: 'Delete', exact: true}).isDisabled(), true);
  await dialog.getByRole('button', {name: 'Cancel', exact: true}).click();
  await dialog.waitFor({state: 'hidden'});
  assert.equal((await api.get(`/v1/segments/${id}`)).segment.name, 'Base');
});

it('Cancel in the delete dialog keeps the segment', async ({page, api}) => {
  const id = await api.createSegment({name: 'Spared', public: false, filters: []});
  await navigate(page, 'Segments');
  await page.getByRole('button', {name: 'Delete Spared', exact: true}).click();
  const dialog = page.getByRole('dialog')
      .filter({has: page.getByRole('heading', {name: 'Delete Spared?', exact: true})});
  await dialog.getByRole('button', {name: 'Cancel', exact: true}).click();
  await dialog.waitFor({state: 'hidden'});
  await segmentRow(page, 'Spared').waitFor();
  assert.equal((await api.get(`/v1/segments/${id}`)).segment.name, 'Spared');
});

it('moves a member count when a lead changes through the API', async ({page, api}) => {
  await api.createSegment({
    name: 'Live probe', public: false, filters: [{field: 'tags', op: 'has', value: 'live-probe'}],
  });
  await navigate(page, 'Segments');
  const row = segmentRow(page, 'Live probe');
  assert.equal((await readRow(row)).Members, '0');
  // The header says "live" once the change stream is connected.
  await eventually(async () => assert.equal(await page.getByTitle('Live updates').innerText(), 'live'));

  const members = async (expected) => {
    await eventually(async () => assert.equal((await readRow(row)).Members, expected));
    assert.equal((await api.segmentNamed('Live probe')).count, Number(expected));
  };
  await api.patch('/v1/leads/5', {add_tags: ['live-probe']});
  await members('1');
  await api.patch('/v1/leads/23', {add_tags: ['live-probe']});
  await members('2');
  await api.patch('/v1/leads/5', {remove_tags: ['live-probe']});
  await members('1');
});

// A view that finished loading after the marketer had moved on used to
// replace the page they chose (web/js/app.js).
it('shows the page chosen last when the one before is still loading', async ({page}) => {
  // A slow server: the View waits a second for its segment.
  await page.route(/\/v1\/segments\/\d+$/, async (route) => {
    await new Promise((r) => setTimeout(r, 1000));
    await route.continue().catch(() => {});
  });
  await navigate(page, 'Segments');
  await page.getByRole('button', {name: 'View Warm', exact: true}).click();
  // The marketer sees it loading and goes elsewhere.
  await page.getByText('Loading…', {exact: true}).waitFor();
  await navigate(page, 'Categories');
  await page.waitForTimeout(1500);
  assert.equal(await page.getByRole('heading', {level: 1}).innerText(), 'Categories');
  assert.match(page.url(), /#\/categories$/);
});
