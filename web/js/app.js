// The Segments screen: a hash router over one view at a time, the token,
// and the change stream that keeps the open view live.
import {api, setToken, subscribeChanges, takeToken, token} from './api.js';
import {h, labelled, render} from './dom.js';

const routes = [
  [/^#\/segments\/?$/, () => import('./segments_list.js'), () => ({})],
  [/^#\/segments\/new$/, () => import('./segment_edit.js'), () => ({id: null})],
  [/^#\/segments\/(\d+)\/edit$/, () => import('./segment_edit.js'), (m) => ({id: Number(m[1])})],
  [/^#\/segments\/(\d+)$/, () => import('./segment_view.js'), (m) => ({id: Number(m[1])})],
  [/^#\/categories$/, () => import('./categories.js'), () => ({})],
  [/^#\/campaigns$/, () => import('./campaigns.js'), () => ({})],
];

const main = document.getElementById('main');
const changeListeners = new Set();
let cleanup = null;
let generation = 0;

function navigate(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
}

// What a view gets: navigation, and the change stream while it is shown
// (a view left while still loading registers nothing).
function viewContext(mine) {
  return {
    navigate,
    // fn(type, data) for "change", "resync" and "ready" events until the
    // view is left.
    onChange(fn) {
      if (mine !== generation) return;
      changeListeners.add(fn);
      viewDisposers.push(() => changeListeners.delete(fn));
    },
    // Calls reload() once a burst of membership changes (of `segment`
    // only, when given) or a resync has settled for `delay` ms, at most
    // once per `delay`; a failed reload waits for the next change.
    reloadOnChange(reload, {delay = 250, segment = null} = {}) {
      let timer = null;
      this.onChange((type, data) => {
        if (type === 'change' && segment !== null && data.segment_id !== segment) return;
        if ((type !== 'change' && type !== 'resync') || timer) return;
        timer = setTimeout(() => {
          timer = null;
          Promise.resolve().then(reload).catch(() => {});
        }, delay);
      });
      if (mine === generation) viewDisposers.push(() => clearTimeout(timer));
    },
  };
}
let viewDisposers = [];

function markNav(hash) {
  for (const link of document.querySelectorAll('nav a[data-nav]')) {
    const current = hash.startsWith(`#/${link.dataset.nav}`);
    if (current) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
}

async function route() {
  generation += 1;
  const mine = generation;
  for (const dispose of viewDisposers) dispose();
  viewDisposers = [];
  if (cleanup) cleanup();
  cleanup = null;
  const hash = location.hash || '#/segments';
  markNav(hash);
  for (const [pattern, load, params] of routes) {
    const match = pattern.exec(hash);
    if (!match) continue;
    const view = await load();
    if (mine !== generation) return;
    // Each view draws into a host of its own: one left while it was still
    // loading draws into a detached host, never over the next view.
    const host = h('div', {class: 'view'}, h('p', {}, 'Loading…'));
    render(main, host);
    try {
      const done = (await view.show(host, params(match), viewContext(mine))) ?? null;
      if (mine === generation) cleanup = done;
      else done?.();
    } catch (e) {
      render(host, h('h1', {}, 'Something went wrong'),
             h('p', {role: 'alert'}, e.message));
    }
    main.focus({preventScroll: true});
    return;
  }
  navigate('#/segments');
}

function askForToken(message) {
  const input = h('input', {type: 'password', autocomplete: 'off', required: true});
  render(main,
         h('h1', {}, 'Sign in'),
         h('p', {}, 'Paste the token `audience serve` printed, or open the address it printed.'),
         message ? h('p', {role: 'alert', class: 'error'}, message) : null,
         h('form', {
           onsubmit: async (e) => {
             e.preventDefault();
             setToken(input.value.trim());
             start();
           },
         }, labelled('Access token', input), h('button', {type: 'submit'}, 'Use token')));
  input.focus();
}

let stopChanges = null;

async function start() {
  if (!token()) return askForToken();
  try {
    await api.get('/v1/clock');
  } catch (e) {
    if (e.status === 401) return askForToken('That token was refused.');
  }
  if (!stopChanges) {
    const state = document.getElementById('live-state');
    stopChanges = subscribeChanges(
        (type, data) => {
          for (const fn of changeListeners) fn(type, data);
        },
        (connected) => {
          state.textContent = connected ? 'live' : 'reconnecting…';
          state.dataset.connected = String(connected);
        });
  }
  window.addEventListener('hashchange', route);
  route();
}

takeToken();
start();
