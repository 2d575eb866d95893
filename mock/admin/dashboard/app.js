// The oxen-mock dashboard: every view is drawn from an admin API answer, for the namespace chosen
// in the header, and fetched again when GET /__admin/events says it changed. Everything shown is
// put in the page as text nodes (never as markup): the journal holds what clients sent.

const $ = (id) => document.getElementById(id);
const SVG = 'http://www.w3.org/2000/svg';

const settings = {
  ns: sessionStorage.getItem('oxen-ns') ?? '',
  token: '',  // kept in memory only: never written anywhere
};
let machines = {};
let clockNow = 0;
let selected = null;  // sequence of the journal entry shown in detail
let journal = [];

function el(tag, attrs = {}, ...children) {
  const node = tag.startsWith('svg:') ? document.createElementNS(SVG, tag.slice(4)) : document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function headers(json) {
  const h = {};
  if (settings.ns) h['X-Mock-Namespace'] = settings.ns;
  if (settings.token) h['X-Mock-Admin-Token'] = settings.token;
  if (json) h['Content-Type'] = 'application/json';
  return h;
}

function say(text) { $('message').textContent = text; }

// One admin call; an error answer is shown with the mock's own wording and thrown.
async function api(method, path, body) {
  const res = await fetch(path, {method, headers: headers(body !== undefined),
                                 body: body === undefined ? undefined : JSON.stringify(body)});
  const data = await res.json().catch(() => null);
  if (!res.ok) {
    const err = data?.error;
    const text = res.status === 401 ? 'The admin token is missing or wrong: enter it above.'
                                    : `${method} ${path}: ${res.status} ${err?.title ?? ''} ${err?.detail ?? ''}`;
    say(text.trim());
    throw new Error(text);
  }
  return data;
}

const time = (ms) => new Date(ms).toISOString().replace('T', ' ').replace('Z', ' UTC');
const seconds = (ms) => `${(ms / 1000).toFixed(ms % 1000 ? 1 : 0)} s`;

// ---- Clock

async function loadClock() {
  const clock = await api('GET', '/__admin/clock');
  clockNow = clock.now_ms;
  $('clock-now').textContent = `${clock.mode} · ${time(clock.now_ms)} (${clock.now_ms} ms)`;
  $('clock-mode').textContent = clock.mode === 'manual' ? 'Switch to real time' : 'Switch to manual';
  $('clock-mode').dataset.next = clock.mode === 'manual' ? 'real' : 'manual';
  $('advance').querySelector('button[type=submit]').disabled = clock.mode !== 'manual';
}

// ---- Models: each custom model on its deployment state machine

// States on an ellipse, transitions as arrows labelled with their action or event; the state the
// model is in is filled and the transition the clock will take next is dashed.
function machineDiagram(machine, current, next) {
  const w = 380, h = 230, states = machine.states;
  const pos = {};
  states.forEach((s, i) => {
    const a = -Math.PI / 2 + (2 * Math.PI * i) / states.length;
    pos[s] = [w / 2 + 145 * Math.cos(a), h / 2 + 85 * Math.sin(a)];
  });
  const svg = el('svg:svg', {class: 'machine', viewBox: `0 0 ${w} ${h}`, role: 'img',
                             'aria-label': `${machine.name} state machine, now ${current}`});
  const id = `arrow-${Math.random().toString(36).slice(2)}`;
  svg.append(el('svg:defs', {}, el('svg:marker', {id, viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 7,
                                                   markerHeight: 7, orient: 'auto-start-reverse'},
                                    el('svg:path', {d: 'M0,0 L10,5 L0,10 z'}))));
  const pairs = new Map();
  for (const t of machine.transitions) {
    if (t.from === t.to) continue;  // staying put is always legal; not drawn
    const key = `${t.from}>${t.to}`;
    pairs.set(key, [...(pairs.get(key) ?? []), t.on]);
  }
  for (const [key, ons] of pairs) {
    const [from, to] = key.split('>');
    const [x1, y1] = pos[from], [x2, y2] = pos[to];
    const len = Math.hypot(x2 - x1, y2 - y1), ux = (x2 - x1) / len, uy = (y2 - y1) / len;
    const off = pairs.has(`${to}>${from}`) ? 5 : 0;  // two directions side by side
    const [nx, ny] = [-uy * off, ux * off];
    const trim = (x, y, sign) => [x + sign * ux * 38 + nx, y + sign * uy * 16 + ny];
    const [ax, ay] = trim(x1, y1, 1), [bx, by] = trim(x2, y2, -1);
    const isNext = from === current && next && ons.includes(next);
    svg.append(el('svg:g', {class: isNext ? 'edge next' : 'edge'},
                  el('svg:line', {x1: ax, y1: ay, x2: bx, y2: by, 'marker-end': `url(#${id})`}),
                  // Labels a third of the way from the source: edges crossing the middle keep theirs apart.
                  el('svg:text', {x: ax + (bx - ax) / 3 + nx * 2, y: ay + (by - ay) / 3 + ny * 2 - 2}, ons.join(', '))));
  }
  for (const s of states) {
    const [x, y] = pos[s];
    svg.append(el('svg:g', {class: s === current ? 'state current' : 'state', 'data-state': s},
                  el('svg:rect', {x: x - 38, y: y - 12, width: 76, height: 24, rx: 12}),
                  el('svg:text', {x, y}, s)));
  }
  return svg;
}

function modelCard(model, pending) {
  const status = model.deployments[0]?.status ?? 'unknown';
  const due = pending ? `next: ${pending.event} at ${time(pending.due_ms)} (in ${seconds(Math.max(0, pending.due_ms - clockNow))} on the mock's clock)`
                      : 'no transition pending';
  const act = (action) => () =>
    api('POST', `/__admin/models/${encodeURI(model.id)}/${action}`).then(() => loadState()).catch(() => {});
  return el('article', {class: 'card', 'data-model': model.id},
            el('h3', {}, model.display_name ?? model.id),
            el('p', {}, el('code', {}, model.id)),
            el('p', {}, 'Status: ', el('strong', {class: 'deployment-status'}, status)),
            el('p', {class: 'due'}, due),
            machines.deployment ? machineDiagram(machines.deployment, status, pending?.event) : null,
            el('p', {class: 'inline'},
               el('button', {type: 'button', onclick: act('activate'), 'aria-label': `Activate ${model.id}`}, 'Activate'),
               el('button', {type: 'button', onclick: act('deactivate'), 'aria-label': `Deactivate ${model.id}`}, 'Deactivate')));
}

// ---- Jobs: the queue's rows and the fine-tunes with what happened when, on the mock's clock

function jobRow(job) {
  const steps = [el('li', {}, `queued ${time(job.enqueued_ms)}`)];
  if (job.started_ms) steps.push(el('li', {}, `processing ${time(job.started_ms)} (+${seconds(job.started_ms - job.enqueued_ms)})`));
  else if (job.status === 'queued') steps.push(el('li', {}, `starts ${time(job.enqueued_ms + job.queued_ms)}`));
  if (job.completed_ms) steps.push(el('li', {}, `${job.status} ${time(job.completed_ms)} (+${seconds(job.completed_ms - job.enqueued_ms)})`));
  else if (job.started_ms) steps.push(el('li', {}, `due ${time(job.started_ms + job.processing_ms)}`));
  return el('tr', {}, el('td', {}, el('code', {}, job.generation_id)), el('td', {}, job.model_name),
            el('td', {class: job.status === 'failed' ? 'status-error' : ''}, job.status),
            el('td', {}, el('ol', {class: 'timeline'}, steps)));
}

// A fine-tune's plan (admin_state) as what happened when, and what is due next.
function fineTuneRow(job) {
  const steps = [el('li', {}, `created ${time(job.created_ms)}`)];
  if (job.tokenize_started_ms) steps.push(el('li', {}, `tokenizing ${time(job.tokenize_started_ms)}`));
  if (job.run_ms) steps.push(el('li', {}, `enqueued ${time(job.run_ms)}`));
  if (job.started_ms) steps.push(el('li', {}, `running ${time(job.started_ms)}, ${seconds(job.step_ms)} a step`));
  else if (job.status === 'enqueued') steps.push(el('li', {}, `starts ${time(job.run_ms + job.queued_ms)}`));
  if (job.finished_ms) {
    steps.push(el('li', {}, `ended ${time(job.finished_ms)} at step ${job.final_step} of ${job.total_steps}`));
  } else if (job.started_ms) {
    steps.push(el('li', {}, `due ${time(job.started_ms + job.total_steps * job.step_ms)} (${job.total_steps} steps)`));
  }
  for (const [step, d] of Object.entries(job.deployments ?? {})) {
    steps.push(el('li', {}, 'step ', step, ' deployed as ', el('code', {}, d.model_id)));
  }
  return el('tr', {}, el('td', {}, el('code', {}, job.id), el('br'), job.name),
            el('td', {}, `${job.repo_namespace}/${job.repo_name}`), el('td', {}, job.base_model),
            el('td', {class: job.status === 'errored' ? 'status-error' : ''}, job.status,
               job.error ? el('br') : null, job.error || null),
            el('td', {}, el('ol', {class: 'timeline'}, steps)));
}

async function loadState() {
  const state = await api('GET', '/__admin/state');
  const pending = state.registry.pending ?? {};
  const custom = state.registry.models.filter((m) => m.deployments?.length);
  const base = state.registry.models.filter((m) => !m.deployments?.length);
  $('custom-models').replaceChildren(...custom.map((m) => modelCard(m, pending[m.id])));
  $('base-models').replaceChildren(...base.map((m) => el('li', {}, el('code', {}, m.id))));
  const jobs = [...(state.queue ?? [])].reverse();
  $('job-table').tBodies[0].replaceChildren(
      ...(jobs.length ? jobs.map(jobRow) : [el('tr', {}, el('td', {colspan: 4}, 'No queued generations.'))]));
  const fineTunes = [...(state.fine_tunes ?? [])].reverse();
  $('fine-tune-table').tBodies[0].replaceChildren(
      ...(fineTunes.length ? fineTunes.map(fineTuneRow) : [el('tr', {}, el('td', {colspan: 5}, 'No fine-tunes.'))]));
}

// ---- Requests: the journal, newest first, and one entry in detail

function modelOf(entry) {
  try {
    const body = JSON.parse(entry.body);
    if (typeof body?.model === 'string') return body.model;
  } catch { /* not JSON */ }
  return entry.path.match(/^\/api\/ai\/models\/(.+?)(\/(activate|deactivate|favorite))?$/)?.[1] ?? '';
}

function journalRow(entry) {
  const findings = entry.request_findings.length + entry.response_findings.length;
  const stream = entry.stream ? `${entry.stream.ended_by}, ${entry.stream.frames} frames` : '';
  return el('tr', {class: entry.sequence === selected ? 'selected' : '', 'data-sequence': entry.sequence},
            el('td', {class: 'num'}, entry.sequence), el('td', {}, entry.method),
            el('td', {}, el('button', {type: 'button', class: 'link', onclick: () => showEntry(entry.sequence),
                                       'aria-label': `Show request ${entry.sequence}: ${entry.method} ${entry.path}`},
                            entry.path + (entry.query ? `?${entry.query}` : ''))),
            el('td', {class: entry.status >= 400 ? 'status-error' : ''}, entry.status),
            el('td', {class: 'num'}, (entry.duration_us / 1000).toFixed(1)), el('td', {}, modelOf(entry)),
            el('td', {}, stream), el('td', {class: findings ? 'status-error' : ''}, findings || ''));
}

async function loadRequests() {
  journal = (await api('GET', '/__admin/requests')).requests.reverse();
  $('journal').tBodies[0].replaceChildren(
      ...(journal.length ? journal.map(journalRow) : [el('tr', {}, el('td', {colspan: 8}, 'No requests yet.'))]));
  if (selected !== null) renderEntry(false);
}

// A JSON value drawn node by node, each under its JSON pointer, so a finding can mark the exact
// place it names.
const escapePointer = (key) => String(key).replaceAll('~', '~0').replaceAll('/', '~1');

function jsonNode(value, pointer, marks, indent) {
  const pad = '  '.repeat(indent + 1), close = '  '.repeat(indent);
  let node;
  if (Array.isArray(value) || (value && typeof value === 'object')) {
    const isArray = Array.isArray(value);
    const entries = isArray ? value.map((v, i) => [i, v]) : Object.entries(value);
    node = el('span', {}, isArray ? '[' : '{');
    entries.forEach(([key, v], i) => {
      node.append(`\n${pad}`);
      if (!isArray) node.append(JSON.stringify(key), ': ');
      node.append(jsonNode(v, `${pointer}/${escapePointer(key)}`, marks, indent + 1));
      if (i < entries.length - 1) node.append(',');
    });
    node.append(entries.length ? `\n${close}` : '', isArray ? ']' : '}');
  } else {
    node = el('span', {}, JSON.stringify(value));
  }
  return mark(node, pointer, marks);
}

function mark(node, pointer, marks) {
  const found = marks.get(pointer);
  if (!found) return node;
  found.placed = true;
  node.classList.add('finding');
  node.dataset.pointer = pointer;
  node.id = `${found.prefix}-at${pointer.replaceAll(/[^A-Za-z0-9_-]/g, '_')}`;
  node.setAttribute('title', found.messages.join('\n'));
  return el('span', {}, node, el('span', {class: 'finding-note'}, `  ⟵ ${found.messages.join('; ')}`));
}

function bodyView(label, text, findings, prefix) {
  const marks = new Map();
  for (const f of findings) {
    const m = marks.get(f.pointer) ?? {messages: [], prefix};
    m.messages.push(`${f.rule}: ${f.message}`);
    marks.set(f.pointer, m);
  }
  let parsed, isJson = true;
  try { parsed = JSON.parse(text); } catch { isJson = false; }
  const content = text === '' ? el('span', {}, '(empty)')
                : isJson ? jsonNode(parsed, '', marks, 0) : mark(el('span', {}, text), '', marks);
  const list = findings.length
    ? el('ul', {class: 'findings'}, findings.map((f) => el('li', {class: 'finding-note'},
        el('code', {}, f.pointer === '' ? '(root)' : f.pointer), ` ${f.rule}: ${f.message}`,
        marks.get(f.pointer)?.placed ? '' : ' (not in the body)')))
    : el('p', {}, 'No findings.');
  return [el('h4', {}, label), list, el('pre', {class: 'json', tabindex: 0, 'aria-label': label}, content)];
}

function showEntry(sequence) {
  selected = sequence;
  for (const row of $('journal').tBodies[0].rows) row.classList.toggle('selected', row.dataset.sequence === String(sequence));
  renderEntry(true);
}

function renderEntry(focus) {
  const entry = journal.find((e) => e.sequence === selected);
  const detail = $('request-detail');
  if (!entry) { detail.replaceChildren(); return; }
  const head = Object.entries(entry.headers).map(([k, v]) => `${k}: ${v}`).join('\n');
  detail.replaceChildren(
      el('h3', {}, `#${entry.sequence} ${entry.method} ${entry.path} → ${entry.status}`),
      el('p', {}, `${time(entry.timestamp_ms)} · ${(entry.duration_us / 1000).toFixed(1)} ms`,
         entry.error_kind ? ` · error ${entry.error_kind}` : '', entry.fault ? ` · fault ${entry.fault}` : '',
         entry.stream ? ` · stream ${entry.stream.ended_by} after ${entry.stream.frames} frames` : ''),
      el('h4', {}, 'Request headers'), el('pre', {class: 'json', tabindex: 0, 'aria-label': 'Request headers'}, head),
      ...bodyView('Request body', entry.body, entry.request_findings, 'request'),
      ...bodyView(entry.stream ? 'Response (streamed; frames are not kept)' : 'Response body',
                  entry.response_body, entry.response_findings, 'response'),
      el('button', {type: 'button', onclick: () => { selected = null; renderEntry(false); }}, 'Close'));
  if (focus) detail.focus();
}

// ---- Faults

function faultRow(rule) {
  return el('tr', {'data-fault': rule.id}, el('td', {}, rule.id), el('td', {}, el('code', {}, JSON.stringify(rule.match))),
            el('td', {}, el('code', {}, JSON.stringify(rule.action))), el('td', {class: 'num'}, rule.times),
            el('td', {class: 'num matched'}, rule.matched), el('td', {class: 'num fired'}, rule.fired),
            el('td', {}, el('button', {type: 'button', 'aria-label': `Delete ${rule.id}`, onclick: () =>
              api('DELETE', `/__admin/faults/${encodeURIComponent(rule.id)}`).then(loadFaults).catch(() => {})}, 'Delete')));
}

async function loadFaults() {
  const {faults} = await api('GET', '/__admin/faults');
  $('fault-table').tBodies[0].replaceChildren(
      ...(faults.length ? faults.map(faultRow) : [el('tr', {}, el('td', {colspan: 7}, 'No fault rules.'))]));
}

async function addFault(event) {
  event.preventDefault();
  const match = {};
  if ($('f-method').value) match.method = $('f-method').value;
  if ($('f-path').value) match.path = $('f-path').value;
  if ($('f-model').value) match.model = $('f-model').value;
  if ($('f-nth').value) match.nth = Number($('f-nth').value);
  const kind = $('f-action').value;
  const action = {[kind]: kind === 'drop' ? true : Number($('f-value').value)};
  await api('POST', '/__admin/faults', {match, action, times: Number($('f-times').value || -1)});
  say('');
  await loadFaults();
}

// ---- Namespaces and the live stream

async function loadNamespaces() {
  const health = await api('GET', '/__admin/health');
  $('namespaces').replaceChildren(...health.namespaces.filter((n) => n).map((n) => el('option', {value: n})));
}

const loaders = {requests: loadRequests, models: loadState, jobs: loadState, faults: loadFaults, clock: loadClock};

async function refresh(views) {
  const todo = new Set([...views].map((v) => loaders[v]).filter(Boolean));
  await Promise.all([...todo].map((load) => load().catch(() => {})));
}

let stream = null;

// EventSource cannot send headers, so the stream is read with fetch: it carries the namespace and
// the admin token exactly as every other call does. Reconnects with a growing pause.
async function listen(pause = 500) {
  stream?.abort();
  const controller = new AbortController();
  stream = controller;
  try {
    const res = await fetch('/__admin/events', {headers: headers(false), signal: controller.signal});
    if (!res.ok) throw new Error(`events: ${res.status}`);
    $('live').textContent = `live · namespace ${settings.ns || '(default)'}`;
    pause = 500;
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const {value, done} = await reader.read();
      if (done) break;
      buffer += value.replaceAll('\r\n', '\n');
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = frame.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trim()).join('\n');
        if (frame.includes('event: changed') && data) await refresh(JSON.parse(data).topics);
      }
    }
  } catch (e) {
    if (controller.signal.aborted) return;
  }
  if (stream !== controller) return;
  $('live').textContent = 'not live: reconnecting…';
  setTimeout(() => { if (stream === controller) listen(Math.min(pause * 2, 10000)); }, pause);
}

async function start() {
  $('namespace').value = settings.ns;
  $('token').value = settings.token;
  say('');
  try {
    machines = Object.fromEntries((await api('GET', '/__admin/state-machines')).state_machines.map((m) => [m.name, m]));
    await loadClock();
    await Promise.all([loadState(), loadRequests(), loadFaults(), loadNamespaces()]);
  } catch { return; }
  listen();
}

document.addEventListener('DOMContentLoaded', () => {
  $('settings').addEventListener('submit', (event) => {
    event.preventDefault();
    settings.ns = $('namespace').value.trim();
    settings.token = $('token').value;
    sessionStorage.setItem('oxen-ns', settings.ns);
    selected = null;
    start();
  });
  $('advance').addEventListener('submit', async (event) => {
    event.preventDefault();
    const text = $('advance-by').value.trim();
    await api('POST', '/__admin/clock', {advance: /^\d+$/.test(text) ? Number(text) : text}).catch(() => {});
    await refresh(['clock', 'models', 'jobs']);
  });
  $('clock-mode').addEventListener('click', async () => {
    await api('POST', '/__admin/clock', {mode: $('clock-mode').dataset.next}).catch(() => {});
    await loadClock();
  });
  $('fault-form').addEventListener('submit', (event) => addFault(event).catch(() => {}));
  $('f-action').addEventListener('change', () => { $('f-value').disabled = $('f-action').value === 'drop'; });
  start();
});
