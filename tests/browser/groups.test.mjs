// Groups in the Filters tab (design.md §2.1): building "US and (vip or
// score >= 500) and not (stage in churned, lost)" with Add group, the group
// type, Add condition to group and Negate; the live preview agrees with the
// engine; Save stores the tree; View shows it nested and explains a member
// branch by branch.
import assert from 'node:assert/strict';
import {condition, expectText, fmt, heading, navigate, setFieldCondition, useScreen}
    from './harness.mjs';

const {it} = useScreen();

const expected = [
  {field: 'country', op: 'in', value: ['US']},
  {any: [{field: 'tags', op: 'has', value: 'vip'},
         {field: 'score', op: 'gte', value: 500}]},
  {not: {field: 'stage', op: 'in', value: ['churned', 'lost']}},
];

it('builds and saves a segment with nested groups, and shows its tree',
   async ({page, api}) => {
     await navigate(page, 'Segments');
     await page.getByRole('button', {name: 'New segment', exact: true}).click();
     await heading(page, 'New segment');
     await page.getByLabel('Name', {exact: true}).fill('Reachable US');
     await page.getByRole('tab', {name: 'Filters', exact: true}).click();

     await setFieldCondition(await condition(page, 1), {field: 'country', op: 'in', values: ['US']});
     // Group 2: any of (vip, score >= 500).
     await page.getByRole('button', {name: 'Add group', exact: true}).click();
     const group = page.getByRole('group', {name: /^Group 2:/});
     await group.getByLabel('Group type', {exact: true}).first().selectOption('any');
     await setFieldCondition(page.getByRole('group', {name: 'Condition 2.1', exact: true}),
                             {field: 'tags', op: 'has', value: 'vip'});
     await page.getByRole('button', {name: 'Add condition to group 2', exact: true}).click();
     await setFieldCondition(page.getByRole('group', {name: 'Condition 2.2', exact: true}),
                             {field: 'score', op: 'gte', value: 500});
     // Condition 3, then negated: not (stage in churned, lost).
     await setFieldCondition(await condition(page, 3),
                             {field: 'stage', op: 'in', values: ['churned', 'lost']});
     await page.getByRole('button', {name: 'Negate condition 3', exact: true}).click();
     await page.getByRole('group', {name: 'Not (group 3)', exact: true}).waitFor();
     await page.getByRole('group', {name: 'Condition 3.1', exact: true}).waitFor();

     const preview = await api.post('/v1/segments/preview', {filters: expected});
     assert.ok(preview.count > 0);
     await expectText(page.locator('.preview'), `Audience: ${fmt(preview.count)} leads`);

     await page.getByRole('button', {name: 'Save', exact: true}).click();
     await heading(page, 'Reachable US');
     const saved = await api.segmentNamed('Reachable US');
     assert.ok(saved, 'the segment was not created');
     assert.deepEqual(saved.filters, expected);
     assert.equal(saved.count, preview.count);

     // The View shows the tree: the group's conditions nested under it.
     const filters = page.getByRole('region', {name: 'Filters'});
     const any = filters.getByRole('listitem').filter({hasText: /^any of these holds:/});
     await expectText(any, 'tags has vip');
     await expectText(any, 'score ≥ 500');
     await expectText(filters.getByRole('listitem').filter({hasText: /^this does not hold:/}),
                      'stage is one of churned, lost');

     // Why a member is there, branch by branch.
     const member = (await api.get(`/v1/segments/${saved.id}/members?limit=1`)).members[0];
     await page.getByRole('tab', {name: 'Leads', exact: true}).click();
     await page.getByRole('button', {name: `Why is lead ${member} here?`, exact: true}).click();
     const why = page.getByRole('region', {name: `Explanation for lead ${member}`});
     await expectText(why, 'any of these holds:');
     await expectText(why, 'this does not hold:');
     const explained = await api.get(`/v1/segments/${saved.id}/explain/${member}`);
     assert.equal(explained.conditions[1].group, 'any');
     assert.equal(explained.conditions[2].group, 'not');
   });

it('points the engine\'s message at the condition inside a group', async ({page, api, allowErrors}) => {
  allowErrors(/status of 400/);
  const before = await api.segments();
  await navigate(page, 'Segments');
  await page.getByRole('button', {name: 'New segment', exact: true}).click();
  await page.getByLabel('Name', {exact: true}).fill('Bad group');
  await page.getByRole('tab', {name: 'Filters', exact: true}).click();
  await page.getByRole('button', {name: 'Add group', exact: true}).click();
  await page.getByRole('button', {name: 'Add condition to group 1', exact: true}).click();
  const inner = page.getByRole('group', {name: 'Condition 1.2', exact: true});
  await setFieldCondition(inner, {field: 'score', op: 'gte', value: 'lots'});
  await page.getByRole('button', {name: 'Save', exact: true}).click();
  await expectText(inner.getByRole('alert'), 'filters[0].any[1]: field "score"');
  assert.equal(await page.getByRole('group', {name: 'Condition 1.1', exact: true})
                   .getByRole('alert').count(), 0);
  assert.deepEqual(await api.segments(), before);
});
