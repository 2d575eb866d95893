// The /__admin/ dashboard in Debian's headless Chromium (playwright-core drives the system
// browser; nothing is downloaded). Every page must load without a console error, a failed request
// or an error answer; screenshots go to OXEN_ARTIFACTS (CTest: build/artifacts/browser).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';
import { API_KEY, startMock } from '../clients/openai-node/mock_server.mjs';

const artifacts = process.env.OXEN_ARTIFACTS ?? mkdtempSync(join(tmpdir(), 'oxen-dashboard-'));
mkdirSync(artifacts, { recursive: true });
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const WAIT = { timeout: 10_000 };

let browser;
before(async () => {
  browser = await chromium.launch({ executablePath: process.env.OXEN_CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
});
after(async () => { await browser?.close(); });

// A fresh mock and a page on its dashboard that records every console error, page error, failed
// request and error answer; `done()` asserts there were none and stops the mock.
async function openDashboard(t, { args = [], viewport = { width: 1280, height: 800 }, context = {} } = {}) {
  const mock = await startMock(args);
  const ctx = await browser.newContext({ viewport, ...context });
  const page = await ctx.newPage();
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => {
    // Closing the page ends the event stream; that is not a failure.
    if (!(r.url().endsWith('/__admin/events') && r.failure()?.errorText === 'net::ERR_ABORTED')) problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`);
  });
  page.on('response', (r) => { if (r.status() >= 400) problems.push(`answer ${r.status()}: ${r.url()}`); });
  await page.goto(`${mock.origin}/__admin/`);
  await page.getByRole('status').filter({ hasText: 'live' }).waitFor(WAIT);
  t.after(async () => { await ctx.close(); await mock.stop(); });
  return {
    mock, page,
    async shot(name) { await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true }); },
    done() { assert.deepEqual(problems, []); },
  };
}

const api = (mock, path, init = {}) =>
  fetch(`${mock.origin}${path}`, { ...init, headers: { Authorization: `Bearer ${API_KEY}`, 'Content-Type': 'application/json', ...init.headers } });

test('models: activate an inactive custom model, advance the clock from the page, see it active', async (t) => {
  const { page, shot, done } = await openDashboard(t);
  const card = page.locator('article[data-model="oxen:acme/product-shots"]');
  await assert.doesNotReject(card.waitFor(WAIT));
  assert.equal(await card.locator('.deployment-status').textContent(), 'inactive');
  assert.equal(await card.locator('svg .state.current').getAttribute('data-state'), 'inactive');
  assert.ok(await page.getByText('Qwen/Qwen-Image', { exact: true }).isVisible());

  await page.getByRole('button', { name: 'Activate oxen:acme/product-shots', exact: true }).click();
  await card.locator('.deployment-status', { hasText: 'deploying' }).waitFor(WAIT);
  assert.match(await card.locator('.due').textContent(), /next: ready at .* \(in 2 s on the mock's clock\)/);
  assert.equal(await card.locator('svg .edge.next text').textContent(), 'ready');
  await shot('models-deploying');

  await page.getByLabel('Advance by').fill('2s');
  await page.getByRole('button', { name: 'Advance', exact: true }).click();
  await card.locator('.deployment-status', { hasText: /^active$/ }).waitFor(WAIT);
  assert.equal(await card.locator('svg .state.current').getAttribute('data-state'), 'active');
  done();
});

test('faults: a rule added from the form fires on the next request, live', async (t) => {
  const { mock, page, shot, done } = await openDashboard(t);
  await page.getByLabel('Path (glob)').fill('/api/ai/models');
  await page.getByLabel('Action').selectOption('status');
  await page.getByLabel('Value').fill('503');
  await page.getByLabel('Times (-1: unlimited)').fill('1');
  await page.getByRole('button', { name: 'Add rule' }).click();
  const row = page.locator('tr[data-fault="fault-1"]');
  await row.waitFor(WAIT);
  assert.equal(await row.locator('.fired').textContent(), '0');

  const res = await api(mock, '/api/ai/models');
  assert.equal(res.status, 503);
  await row.locator('.fired', { hasText: '1' }).waitFor(WAIT);  // from the event stream, no reload
  await page.locator('#journal tbody tr', { hasText: '503' }).first().waitFor(WAIT);
  await shot('faults-fired');
  await page.getByRole('button', { name: 'Delete fault-1' }).click();
  await row.waitFor({ state: 'detached', ...WAIT });
  done();
});

test('requests: a bad request shows its finding at its JSON pointer', async (t) => {
  const { mock, page, shot, done } = await openDashboard(t);
  const bad = { model: 'oxen:acme/support-bot', messages: [{ role: 'user', content: 'hi' }], temperature: 'warm', name: '<img src=x>' };
  const res = await api(mock, '/api/ai/chat/completions', { method: 'POST', body: JSON.stringify(bad) });
  assert.equal(res.status, 400);
  const link = page.getByRole('button', { name: /Show request 1: POST \/api\/ai\/chat\/completions/ });
  await link.waitFor(WAIT);
  await link.click();
  const marked = page.locator('#request-detail [data-pointer="/temperature"].finding');
  await marked.waitFor(WAIT);
  assert.equal(await marked.textContent(), '"warm"');
  assert.ok(await page.locator('#request-detail .findings').getByText('/temperature').isVisible());
  // What the client sent is shown as text, never as markup.
  assert.equal(await page.locator('#request-detail img').count(), 0);
  assert.ok(await page.locator('#request-detail').getByText('"<img src=x>"').isVisible());
  await shot('request-finding');
  done();
});

test('jobs: a queued generation shows its timeline as the clock moves', async (t) => {
  const { mock, page, shot, done } = await openDashboard(t);
  const res = await api(mock, '/api/ai/queue', { method: 'POST', body: JSON.stringify({ model: 'flux-2-dev', prompt: 'a fox', num_generations: 1 }) });
  assert.ok(res.ok, `enqueue: ${res.status}`);
  const row = page.locator('#job-table tbody tr', { hasText: 'flux-2-dev' });
  await row.waitFor(WAIT);
  assert.match(await row.textContent(), /queued/);
  await page.getByLabel('Advance by').fill('1m');
  await page.getByRole('button', { name: 'Advance', exact: true }).click();
  await row.locator('td', { hasText: /^succeeded$/ }).waitFor(WAIT);
  const steps = await row.locator('ol.timeline li').allTextContents();
  assert.equal(steps.length, 3);
  assert.match(steps[0], /^queued /);
  assert.match(steps[1], /^processing /);
  assert.match(steps[2], /^succeeded /);
  await shot('jobs');
  done();
});

test('jobs: a fine-tune shows its timeline as the clock moves, up to its deployed checkpoint', async (t) => {
  const { mock, page, shot, done } = await openDashboard(t);
  const repo = '/api/repos/ox/chatbot/fine_tunes';
  const created = await api(mock, repo, { method: 'POST', body: JSON.stringify({
    resource: 'main/train.parquet', base_model: 'Qwen/Qwen3-0.6B', script_type: 'text_generation',
    training_params: { question_column: 'prompt', answer_column: 'response' } }) });
  assert.equal(created.status, 201);
  const { fine_tune: job } = await created.json();
  assert.ok((await api(mock, `${repo}/${job.id}/actions/run`, { method: 'POST' })).ok);
  const row = page.locator('#fine-tune-table tbody tr', { hasText: job.id });
  await row.locator('td', { hasText: /^enqueued$/ }).waitFor(WAIT);
  await page.getByLabel('Advance by').fill('1h');
  await page.getByRole('button', { name: 'Advance', exact: true }).click();
  await row.locator('td', { hasText: /^completed$/ }).waitFor(WAIT);
  const { checkpoints } = await (await api(mock, `${repo}/${job.id}/checkpoints`)).json();
  const { step } = checkpoints.at(-1);
  const deployed = await api(mock, `${repo}/${job.id}/checkpoints/${step}/deploy`, { method: 'POST' });
  assert.ok(deployed.ok, `deploy: ${deployed.status}`);
  await row.locator('td', { hasText: /^deployed$/ }).waitFor(WAIT);
  const steps = await row.locator('ol.timeline li').allTextContents();
  assert.match(steps[0], /^created /);
  assert.match(steps[1], /^enqueued /);
  assert.match(steps[2], /^running /);
  assert.match(steps[3], /^ended .* at step \d+ of \d+$/);
  assert.equal(steps[4].startsWith(`step ${step} deployed as oxen:ox/`), true, steps[4]);
  await shot('fine-tune');
  done();
});

test('namespaces: the switcher shows another namespace and its own journal', async (t) => {
  const { mock, page, done } = await openDashboard(t);
  await api(mock, '/api/ai/models/nope', { headers: { 'X-Mock-Namespace': 'suite-b' } });
  await page.getByLabel('Namespace').fill('suite-b');
  await page.getByRole('button', { name: 'Show' }).click();
  await page.getByRole('status').filter({ hasText: 'namespace suite-b' }).waitFor(WAIT);
  await page.locator('#journal tbody tr', { hasText: '/api/ai/models/nope' }).waitFor(WAIT);
  await api(mock, '/api/ai/models/other');  // the default namespace: not shown here
  await api(mock, '/api/ai/models/again', { headers: { 'X-Mock-Namespace': 'suite-b' } });
  await page.locator('#journal tbody tr', { hasText: '/api/ai/models/again' }).waitFor(WAIT);
  assert.equal(await page.locator('#journal tbody tr', { hasText: '/api/ai/models/other' }).count(), 0);
  done();
});

test('--admin-token: the page asks for the token and then shows everything', async (t) => {
  const mock = await startMock(['--admin-token', 'let-me-in']);
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  t.after(async () => { await ctx.close(); await mock.stop(); });
  const page = await ctx.newPage();
  await page.goto(`${mock.origin}/__admin/`);
  await page.getByRole('alert').filter({ hasText: 'admin token' }).waitFor(WAIT);
  await page.getByLabel('Admin token').fill('let-me-in');
  await page.getByRole('button', { name: 'Show' }).click();
  await page.getByRole('status').filter({ hasText: 'live' }).waitFor(WAIT);
  await page.locator('article[data-model="oxen:acme/product-shots"]').waitFor(WAIT);
});

test('phone width: readable, and no serious accessibility violations at either size', async (t) => {
  const { mock, page, shot, done } = await openDashboard(t, { viewport: { width: 390, height: 844 }, context: { bypassCSP: true } });
  await api(mock, '/api/ai/models/nope');
  await page.locator('#journal tbody tr', { hasText: '/api/ai/models/nope' }).waitFor(WAIT);
  await page.getByRole('button', { name: /Show request 1/ }).click();
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 390, `the page is ${width}px wide at a 390px window`);
  await shot('phone');
  await page.evaluate(axeSource);
  for (const size of [{ width: 390, height: 844 }, { width: 1280, height: 800 }]) {
    await page.setViewportSize(size);
    const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
    const serious = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    assert.deepEqual(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), []);
  }
  done();
});

test('the HTML report of a real oxen-conformance run opens and tells its result', async (t) => {
  const mock = await startMock([], { clock: 'real' });
  t.after(() => mock.stop());
  const file = join(artifacts, 'conformance-report.html');
  const bin = process.env.OXEN_CONFORMANCE_BIN;
  assert.ok(bin, 'set OXEN_CONFORMANCE_BIN (CTest does)');
  const code = await new Promise((resolve) => {
    execFile(bin, ['run', '--base-url', `${mock.origin}/api`, '--api-key', API_KEY, '--profile', 'mock', '--report-html', file],
             { timeout: 60_000 }, (err) => resolve(err ? err.code : 0));
  });
  assert.equal(code, 0);
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  t.after(() => ctx.close());
  const page = await ctx.newPage();
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('request', (r) => { if (!r.url().startsWith('file:')) problems.push(`loads ${r.url()}`); });
  await page.goto(`file://${file}`);
  const text = await page.locator('body').innerText();
  assert.match(text, new RegExp(mock.origin.replace(/[.:/]/g, '\\$&')));
  assert.match(text, /passed/i);
  assert.doesNotMatch(text, new RegExp(API_KEY));
  await page.screenshot({ path: join(artifacts, 'conformance-report.png'), fullPage: false });
  assert.deepEqual(problems, []);
});
