// Takes docs/screen.md's pictures of the Segments screen, 1280x800 each,
// from the real screen on `audience serve --demo --leads 20000` (not a
// test: run it by hand after the screen changes, then commit docs/img/):
//
//   node tests/browser/docs_screenshots.mjs
import assert from 'node:assert/strict';
import {mkdirSync} from 'node:fs';
import {join} from 'node:path';
import {condition, expectText, heading, navigate, openScreen, repoRoot} from './harness.mjs';

const out = join(repoRoot, 'docs/img');
mkdirSync(out, {recursive: true});

const screen = await openScreen();
const {page} = screen;
// Scrolls so that `locator` is at the top of the window.
const scrollTo = (locator) => locator.evaluate((el) => el.scrollIntoView({block: 'start'}));
try {
  // The list.
  await navigate(page, 'Segments');
  await page.getByRole('button', {name: 'View Warm', exact: true}).waitFor();
  await page.screenshot({path: join(out, 'segments-list.png')});

  // A segment's Statistics tab with the Leads Over Time chart.
  await page.getByRole('button', {name: 'View Warm', exact: true}).click();
  await heading(page, 'Warm');
  await page.locator('canvas').first().waitFor();
  await scrollTo(page.getByRole('tablist'));
  await page.screenshot({path: join(out, 'segment-statistics.png')});

  // Editing a segment's filters: the audience and who would enter and
  // leave, before Save.
  await navigate(page, 'Segments');
  await page.getByRole('button', {name: 'Edit US VIP prospects', exact: true}).click();
  await heading(page, 'Edit segment: US VIP prospects');
  await page.getByRole('tab', {name: 'Filters', exact: true}).click();
  await page.getByRole('button', {name: 'Remove condition 5', exact: true}).click();
  await page.getByRole('button', {name: 'Remove condition 4', exact: true}).click();
  await (await condition(page, 3)).getByLabel('Value', {exact: true}).fill('700');
  await expectText(page.locator('.preview'), /[1-9][\d,]* would enter, [1-9][\d,]* would leave/);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({path: join(out, 'segment-filters.png')});

  assert.deepEqual(screen.errors(), [], 'the page logged errors');
} finally {
  await screen.close();
}
console.log(`wrote segments-list.png, segment-statistics.png, segment-filters.png to ${out}`);
