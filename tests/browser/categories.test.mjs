// The Categories page (web/js/categories.js): create, rename and delete,
// and the engine's messages when a rename or a delete is refused.
import assert from 'node:assert/strict';
import {eventually, expectText, navigate, useScreen} from './harness.mjs';

const {it} = useScreen();

async function categoryNames(api) {
  return (await api.get('/v1/categories')).categories.map((c) => c.name);
}

function categoryRow(page, name) {
  return page.getByRole('table', {name: 'Categories', exact: true}).getByRole('row')
      .filter({has: page.getByRole('button', {name: `Rename ${name}`, exact: true})});
}

it('creates, renames and deletes a category', async ({page, api, allowErrors}) => {
  // The refused rename below answers 409, which Chromium logs.
  allowErrors(/status of 409/);
  await navigate(page, 'Categories');
  await page.getByLabel('New category name', {exact: true}).fill('Regions');
  await page.getByRole('button', {name: 'Create category', exact: true}).click();
  await categoryRow(page, 'Regions').waitFor();
  assert.ok((await categoryNames(api)).includes('Regions'));

  // A name in use: the engine's message, nothing renamed.
  const taken = await api.errorMessage('PUT', `/v1/categories/${
      (await api.get('/v1/categories')).categories.find((c) => c.name === 'Regions').id}`,
                                       {name: 'Lifecycle'});
  await page.getByRole('button', {name: 'Rename Regions', exact: true}).click();
  await page.getByLabel('New name for Regions', {exact: true}).fill('Lifecycle');
  await page.getByRole('button', {name: 'Save name', exact: true}).click();
  await expectText(page.getByRole('alert').filter({hasText: 'already exists'}), taken);
  assert.deepEqual((await categoryNames(api)).sort(), ['Lifecycle', 'Regions']);

  await page.getByLabel('New name for Regions', {exact: true}).fill('Areas');
  await page.getByRole('button', {name: 'Save name', exact: true}).click();
  await categoryRow(page, 'Areas').waitFor();
  assert.equal(await categoryRow(page, 'Regions').count(), 0);
  assert.deepEqual((await categoryNames(api)).sort(), ['Areas', 'Lifecycle']);

  await page.getByRole('button', {name: 'Delete Areas', exact: true}).click();
  const dialog = page.getByRole('dialog')
      .filter({has: page.getByRole('heading', {name: 'Delete category Areas?', exact: true})});
  await dialog.getByRole('button', {name: 'Delete', exact: true}).click();
  await eventually(async () => assert.equal(await categoryRow(page, 'Areas').count(), 0));
  assert.deepEqual(await categoryNames(api), ['Lifecycle']);
});

it('refuses to delete a category a segment uses, with the engine\'s message',
   async ({page, api, allowErrors}) => {
     allowErrors(/status of 409/);
     const {id} = await api.post('/v1/categories', {name: 'Tiers'});
     await api.createSegment({name: 'Gold tier', category: 'Tiers', public: true,
                              filters: [{field: 'score', op: 'gte', value: 800}]});
     // The same request the page makes; refused, so it changes nothing.
     const message = await api.errorMessage('DELETE', `/v1/categories/${id}`);
     assert.match(message, /is used by segments "Gold tier"/);

     await navigate(page, 'Categories');
     await page.getByRole('button', {name: 'Delete Tiers', exact: true}).click();
     const dialog = page.getByRole('dialog')
         .filter({has: page.getByRole('heading', {name: 'Delete category Tiers?', exact: true})});
     await dialog.getByRole('button', {name: 'Delete', exact: true}).click();
     await expectText(page.getByRole('alert').filter({hasText: 'is used by segments'}), message);
     await categoryRow(page, 'Tiers').waitFor();
     assert.ok((await categoryNames(api)).includes('Tiers'));
   });
