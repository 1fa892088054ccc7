// The browser tests' harness: a fresh `audience serve --demo` and a
// headless Chromium per test file, a page per test opened on the Segments
// screen with the server's token, the API (as a host would call it) to set
// up and check state, a screenshot per test, and a test that fails on any
// console error or uncaught page error.
//
//   import {navigate, useScreen} from './harness.mjs';
//   const {it} = useScreen();
//   it('shows the list', async ({page, api}) => {
//     await navigate(page, 'Segments');
//     ...
//   });
//
// Environment: AUDIENCE_CLI (default build/asan/examples/cli/audience),
// AUDIENCE_SCREENSHOTS (default build/asan/screenshots), CHROMIUM (default
// /usr/bin/chromium), AUDIENCE_BROWSER_HEADED=1 to watch the browser.
import {after, before, test} from 'node:test';
import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import {randomBytes} from 'node:crypto';
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';
import {chromium} from 'playwright-core';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const cliPath = resolve(repoRoot, process.env.AUDIENCE_CLI ?? 'build/asan/examples/cli/audience');
export const screenshotDir =
    resolve(repoRoot, process.env.AUDIENCE_SCREENSHOTS ?? 'build/asan/screenshots');
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const chromiumArgs = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
                      '--disable-background-networking', '--disable-component-update',
                      '--disable-sync'];

export const viewport = {width: 1280, height: 800};

// ---------------------------------------------------------------------------
// The server.

// Child processes to kill if this process ends without its after() hooks
// (an uncaught error, Ctrl-C): a test run never leaves a server behind.
const children = new Set();
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    for (const child of children) child.kill('SIGKILL');
    process.exit(130);
  });
}

// Starts `audience serve --demo --leads N` on a free loopback port with a
// token of our own; resolves once it listens.
export async function startServer({leads = 20000} = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'audience-browser-'));
  const token = randomBytes(16).toString('hex');
  const tokenFile = join(dir, 'token');
  writeFileSync(tokenFile, `${token}\n`, {mode: 0o600});
  const child = spawn(cliPath, ['serve', '--demo', '--leads', String(leads),
                                '--listen', '127.0.0.1:0', '--token-file', tokenFile],
                      {stdio: ['ignore', 'pipe', 'pipe']});
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => { stderr += chunk; });
  child.stdout.setEncoding('utf8');
  const exited = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      children.delete(child);
      resolve({code, signal});
    });
  });
  const port = await new Promise((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => fail('did not listen within 60 s'), 60_000);
    function fail(why) {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${cliPath} serve ${why}\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    }
    child.on('error', (e) => fail(`could not start: ${e.message}`));
    child.on('exit', (code, signal) => fail(`exited (code ${code}, signal ${signal})`));
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      const match = /listening on http:\/\/127\.0\.0\.1:(\d+)\//.exec(stdout);
      if (match && !settled) {
        settled = true;
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    baseUrl,
    token,
    api: new Api(baseUrl, token),
    // Stops the server with SIGTERM; rejects if it had died, or exits with
    // anything but 0 (a sanitizer report makes the ASan build exit 1).
    async stop() {
      const alive = child.exitCode === null && child.signalCode === null;
      if (alive) child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const {code, signal} = await exited;
      clearTimeout(killer);
      rmSync(dir, {recursive: true, force: true});
      if (!alive || code !== 0) {
        throw new Error(`audience serve ${alive ? 'ended' : 'had died'} with code ${code}, ` +
                        `signal ${signal}\nstderr:\n${stderr.slice(-8000)}`);
      }
    },
  };
}

export class ApiError extends Error {
  constructor(status, body, method, path) {
    super(`${method} ${path}: HTTP ${status}: ${JSON.stringify(body)}`);
    this.status = status;
    this.code = body?.error?.code;
    this.apiMessage = body?.error?.message;
  }
}

// The engine's REST API with the bearer token (docs/http.md): get, post,
// put, patch and del answer the JSON body or throw an ApiError;
// request() answers {status, body} whatever the status.
export class Api {
  constructor(baseUrl, token) {
    this.baseUrl = baseUrl;
    this.token = token;
  }

  async request(method, path, body) {
    const headers = {Authorization: `Bearer ${this.token}`};
    const init = {method, headers};
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    const response = await fetch(this.baseUrl + path, init);
    const text = await response.text();
    return {status: response.status, body: text ? JSON.parse(text) : null};
  }

  async #call(method, path, body) {
    const {status, body: answer} = await this.request(method, path, body);
    if (status < 200 || status > 299) throw new ApiError(status, answer, method, path);
    return answer;
  }

  get(path) { return this.#call('GET', path); }
  post(path, body = {}) { return this.#call('POST', path, body); }
  put(path, body = {}) { return this.#call('PUT', path, body); }
  patch(path, body = {}) { return this.#call('PATCH', path, body); }
  del(path) { return this.#call('DELETE', path); }

  // The message of the error the engine answers for a request that must
  // fail (and so changes nothing): what the screen should show.
  async errorMessage(method, path, body) {
    const {status, body: answer} = await this.request(method, path, body);
    assert.ok(status >= 400, `${method} ${path} was expected to fail, got ${status}`);
    return answer.error.message;
  }

  async segments() {
    return (await this.get('/v1/segments')).segments;
  }

  // The segment called `name` (with its count), or undefined.
  async segmentNamed(name) {
    return (await this.segments()).find((s) => s.name === name);
  }

  async createSegment(definition) {
    const {id} = await this.post('/v1/segments', definition);
    return id;
  }
}

// ---------------------------------------------------------------------------
// The browser.

async function launchBrowser() {
  const profile = mkdtempSync(join(tmpdir(), 'audience-chromium-'));
  const headed = process.env.AUDIENCE_BROWSER_HEADED === '1';
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: !headed,
    args: headed ? chromiumArgs.filter((a) => a !== '--headless') : chromiumArgs,
    viewport,
    locale: 'en-US',
    timezoneId: 'UTC',
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, {recursive: true, force: true});
    },
  };
}

// A page on the screen that records console errors and uncaught errors.
// allowErrors(pattern) accepts console errors matching it: Chromium logs
// "Failed to load resource: ... status of 400" for every refused request,
// which a test that provokes one expects.
async function openPage(context, server) {
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const errors = [];
  const allowed = [];
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const {url} = message.location();
    errors.push(`console error: ${message.text()}${url ? ` (${url})` : ''}`);
  });
  page.on('pageerror', (error) => errors.push(`uncaught: ${error.stack ?? error.message}`));
  page.on('crash', () => errors.push('the page crashed'));
  await page.goto(`${server.baseUrl}/#token=${server.token}`);
  return {
    page,
    allowErrors(pattern) {
      allowed.push(pattern);
    },
    unexpectedErrors() {
      return errors.filter((e) => !allowed.some((p) => p.test(e)));
    },
  };
}

// "Delete refused until forced" -> "delete-refused-until-forced".
export function slug(name) {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 80);
}

// Registers before/after hooks that start a server and a browser for the
// file, and returns:
//   it(name, fn[, {screenshot, timeout, todo}]): a test running fn({page,
//     api, server, allowErrors}) on a fresh page opened on the screen; it
//     saves a screenshot (as <screenshot or slug(name)>.png) and fails on
//     console or page errors, whatever fn did (`todo`: a known bug, whose
//     failure is reported but does not fail the run);
//   api, server: the server's, once before() ran (read them inside tests).
export function useScreen(options = {}) {
  let server = null;
  let browser = null;
  const handle = {
    get api() { return server?.api; },
    get server() { return server; },
    it(name, fn, {screenshot = slug(name), timeout = 60_000, todo} = {}) {
      test(name, {timeout, todo}, async () => {
        const session = await openPage(browser.context, server);
        let failure = null;
        try {
          await fn({page: session.page, api: server.api, server,
                    allowErrors: session.allowErrors});
        } catch (e) {
          failure = e;
        }
        try {
          mkdirSync(screenshotDir, {recursive: true});
          await session.page.screenshot({path: join(screenshotDir, `${screenshot}.png`),
                                         fullPage: true});
        } catch (e) {
          failure ??= e;
        }
        await session.page.close();
        if (failure) throw failure;
        assert.deepEqual(session.unexpectedErrors(), [], 'the page logged errors');
      });
    },
  };
  before(async () => {
    server = await startServer(options);
    browser = await launchBrowser();
  });
  after(async () => {
    // The browser first: its change stream would otherwise log the
    // server's disappearance.
    try {
      if (browser) await browser.close();
    } finally {
      if (server) await server.stop();
    }
  });
  return handle;
}

// For scripts outside the test runner (docs screenshots): a server, a
// browser and a page, and a close() for all three.
export async function openScreen(options = {}) {
  const server = await startServer(options);
  const browser = await launchBrowser();
  const session = await openPage(browser.context, server);
  return {
    server,
    api: server.api,
    page: session.page,
    errors: session.unexpectedErrors,
    async close() {
      try {
        await browser.close();
      } finally {
        await server.stop();
      }
    },
  };
}

// ---------------------------------------------------------------------------
// Reading what the page shows.

// Retries `check` (which throws while its condition does not hold) until it
// passes or `timeout` ms have gone, then throws its last error.
export async function eventually(check, {timeout = 10_000, interval = 100} = {}) {
  const deadline = Date.now() + timeout;
  for (;;) {
    try {
      return await check();
    } catch (e) {
      if (Date.now() > deadline) throw e;
    }
    await new Promise((r) => setTimeout(r, interval));
  }
}

// Waits until the locator's text (innerText, white space collapsed)
// contains `expected` (a string or a RegExp).
export async function expectText(locator, expected, options) {
  return eventually(async () => {
    const text = squash(await locator.innerText());
    if (expected instanceof RegExp) assert.match(text, expected);
    else assert.ok(text.includes(expected), `expected ${JSON.stringify(expected)} in ${JSON.stringify(text)}`);
    return text;
  }, options);
}

export function squash(text) {
  return text.replace(/\s+/g, ' ').trim();
}

const integer = new Intl.NumberFormat('en-US');
// 7592 -> "7,592", as the screen shows counts.
export function fmt(n) {
  return integer.format(n);
}

// "7,592" -> 7592; NaN when the text holds no number.
export function num(text) {
  const match = /-?[\d,]+(\.\d+)?/.exec(text);
  return match ? Number(match[0].replace(/,/g, '')) : NaN;
}

// A table as shown: {headers: [...], rows: [{header: text}]} from its head
// row and its body rows (cell texts, white space collapsed). `timeout`: how
// long to wait for it to be shown (default: the page's).
export async function readTable(table, {timeout} = {}) {
  await table.waitFor({timeout});
  return table.evaluate((el) => {
    const text = (cell) => cell.innerText.replace(/\s+/g, ' ').trim();
    const headRow = el.tHead?.rows[0] ?? el.rows[0];
    const headers = [...headRow.cells].map(text);
    const bodyRows = el.tBodies.length
      ? [...el.tBodies].flatMap((b) => [...b.rows])
      : [...el.rows].slice(1);
    const rows = bodyRows.map((row) => Object.fromEntries(
        [...row.cells].map((cell, i) => [headers[i] ?? String(i), text(cell)])));
    return {headers, rows};
  }, null, {timeout});
}

// A definition list as shown: {term: description}.
export async function readDefinitions(list) {
  await list.waitFor();
  return list.evaluate((el) => {
    const out = {};
    let term = null;
    for (const child of el.querySelectorAll('dt, dd')) {
      const text = child.innerText.replace(/\s+/g, ' ').trim();
      if (child.tagName === 'DT') term = text;
      else if (term !== null) out[term] = text;
    }
    return out;
  });
}

// A "2026-09-21" or "2026-09-21 14:00 UTC" shown by the screen, as unix
// seconds.
export function parseUtc(text) {
  const match = /(\d{4})-(\d\d)-(\d\d)(?:[ T](\d\d):(\d\d))?/.exec(text);
  assert.ok(match, `no date in ${JSON.stringify(text)}`);
  const [, y, m, d, hh = '0', mm = '0'] = match;
  return Date.UTC(Number(y), Number(m) - 1, Number(d), Number(hh), Number(mm)) / 1000;
}

// A row's cells as shown, keyed by its table's column headers.
export async function readRow(row) {
  await row.waitFor();
  return row.evaluate((el) => {
    const text = (cell) => cell.innerText.replace(/\s+/g, ' ').trim();
    const table = el.closest('table');
    const headRow = table.tHead?.rows[0] ?? table.rows[0];
    const headers = [...headRow.cells].map(text);
    return Object.fromEntries([...el.cells].map((cell, i) => [headers[i] ?? String(i), text(cell)]));
  });
}

// ---------------------------------------------------------------------------
// Moving around the screen as a marketer does.

// Waits for the page's h1 to read `name`.
export async function heading(page, name) {
  const h1 = page.getByRole('heading', {level: 1, name, exact: true});
  await h1.waitFor();
  return h1;
}

// Opens "Segments", "Categories" or "Campaigns" from the main navigation.
export async function navigate(page, name) {
  await page.getByRole('navigation', {name: 'Main'}).getByRole('link', {name, exact: true}).click();
  return heading(page, name);
}

// Waits until the address no longer ends with `suffix` (a view moved on).
export async function leaves(page, suffix) {
  await eventually(() => assert.ok(!page.url().endsWith(suffix), `still at ${page.url()}`));
}

// The Segments list's row of the segment called `name`: the row holding
// its "View <name>" button.
export function segmentRow(page, name) {
  return page.getByRole('table', {name: 'Segments', exact: true}).getByRole('row')
      .filter({has: page.getByRole('button', {name: `View ${name}`, exact: true})});
}

// The Filters tab's "Condition n" fieldset, added with "Add condition"
// when the builder does not show it yet.
export async function condition(page, n) {
  const group = page.getByRole('group', {name: `Condition ${n}`, exact: true});
  if (await group.count() === 0) {
    await page.getByRole('button', {name: 'Add condition', exact: true}).click();
  }
  await group.waitFor();
  return group;
}

// Fills a field condition: kind Field, `field`, `op`, and its operand:
// value (one), values (a list), from/to (between) or amount/unit.
export async function setFieldCondition(group, {field, op, value, values, from, to, amount, unit}) {
  await group.getByLabel('Kind', {exact: true}).selectOption('Field');
  await group.getByLabel('Field', {exact: true}).selectOption(field);
  await group.getByLabel('Operator', {exact: true}).selectOption(op);
  if (value !== undefined) await group.getByLabel('Value', {exact: true}).fill(String(value));
  if (values !== undefined) await group.getByLabel('Values', {exact: true}).fill(values.join(', '));
  if (from !== undefined) await group.getByLabel('From', {exact: true}).fill(String(from));
  if (to !== undefined) await group.getByLabel('To', {exact: true}).fill(String(to));
  if (amount !== undefined) await group.getByLabel('Amount', {exact: true}).fill(String(amount));
  if (unit !== undefined) await group.getByLabel('Unit', {exact: true}).selectOption(unit);
}
