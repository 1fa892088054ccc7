// The Leads Over Time chart: added, removed and total per bucket, drawn
// with uPlot (npm, copied into vendor/ by the build), and the same numbers
// as a table, which screen readers (and tests) read.
import {h, render} from './dom.js';
import {count, utc} from './format.js';

let uplot = null;
async function loadUplot() {
  if (uplot === null) {
    uplot = import('../vendor/uPlot.esm.js').then((m) => m.default).catch(() => undefined);
  }
  return uplot;
}

// Draws `buckets` ([{start, added, removed, total}]) into `container`,
// replacing what was there.
export async function drawLeadsOverTime(container, buckets, bucket) {
  const plotArea = h('div', {class: 'chart', role: 'img',
                             'aria-label': 'Chart of leads added, removed and total over time; ' +
                                           'the table below has the same numbers'});
  const table = h('table', {class: 'chart-data'},
      h('caption', {}, 'Leads over time data'),
      h('thead', {}, h('tr', {},
        h('th', {scope: 'col'}, `Start (UTC)`),
        h('th', {scope: 'col', class: 'num'}, 'Added'),
        h('th', {scope: 'col', class: 'num'}, 'Removed'),
        h('th', {scope: 'col', class: 'num'}, 'Total'))),
      h('tbody', {}, buckets.map((b) => h('tr', {},
        h('td', {}, bucket === 'hour' ? utc(b.start) : utc(b.start).slice(0, 10) + ' UTC'),
        h('td', {class: 'num'}, count(b.added)),
        h('td', {class: 'num'}, count(b.removed)),
        h('td', {class: 'num'}, count(b.total))))));
  // The numbers stay open across redraws (a new bucket, a live update).
  const wasOpen = container.querySelector('details')?.open ?? false;
  render(container, plotArea,
         h('details', {open: wasOpen}, h('summary', {}, 'Show the numbers'),
           h('div', {class: 'table-wrap'}, table)));
  const UPlot = await loadUplot();
  if (!UPlot) {
    render(plotArea, h('p', {class: 'hint'}, 'The chart library is not installed; the numbers are below.'));
    return;
  }
  const width = Math.max(280, container.clientWidth || 800);
  const data = [buckets.map((b) => b.start), buckets.map((b) => b.added),
                buckets.map((b) => b.removed), buckets.map((b) => b.total)];
  // eslint-disable-next-line no-new
  new UPlot({
    width,
    height: 260,
    tzDate: (ts) => UPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
    scales: {x: {time: true}},
    axes: [{label: 'UTC'}, {label: 'leads', values: (u, v) => v.map((x) => count(x))}],
    series: [
      {label: 'Time (UTC)'},
      {label: 'Added', stroke: '#1e7a3c', width: 2, points: {show: buckets.length < 60}},
      {label: 'Removed', stroke: '#b3261e', width: 2, dash: [6, 4],
       points: {show: buckets.length < 60}},
      {label: 'Total', stroke: '#1f5fbf', width: 3, points: {show: buckets.length < 60}},
    ],
  }, data, plotArea);
}
