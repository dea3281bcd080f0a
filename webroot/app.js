// The txgate console. It uses only the JSON API: one live stream (/api/stream, server-sent events,
// one update a second) and the POST actions. No framework, no build step, nothing from the network.

const $ = (id) => document.getElementById(id);
// clustered: whether the update describes a cluster (it then has a "cluster" part and sessions carry
// their node); a lone node's page looks and acts as it always did.
const state = { sessions: [], sortKey: 'id', sortAsc: true, filter: '', confirmKill: null, clustered: false, page: 0 };
// The sessions table shows one page of rows: with 10,000 sessions the browser lays out 100 rows a
// second, not 10,000.
const PAGE_SIZE = 100;
// The rows on the page, by session key: a row whose content did not change is left as it is, so
// that a selection, a hover or an armed kill button survives the next update.
const rowCache = new Map();
// A kill takes two clicks: the first arms the row's button for a few seconds, the second kills.
const CONFIRM_MS = 5000;
// State-changing calls carry this header, which a cross-site form cannot set.
const ACTION_HEADERS = { 'X-Txgate-Console': '1' };

function fmtInt(n) { return Number(n ?? 0).toLocaleString('en-US'); }
// Lists of counts are separated by ' · ', never by commas: 'SQL_ERROR 1,204, TIMEOUT 3' reads as
// four numbers once thousands separators are commas too.
function fmtMs(ms) { return ms == null ? '–' : (ms < 10 ? ms.toFixed(2) : ms.toFixed(0)) + ' ms'; }
function fmtBytes(b) {
  if (b < 1024) return b + ' B';
  if (b < 1024 * 1024) return (b / 1024).toFixed(1) + ' KiB';
  return (b / 1024 / 1024).toFixed(1) + ' MiB';
}
function fmtDuration(s) {
  const d = Math.floor(s / 86400), h = Math.floor(s % 86400 / 3600), m = Math.floor(s % 3600 / 60);
  if (d) return `${d} d ${h} h`;
  if (h) return `${h} h ${m} min`;
  return `${m} min ${s % 60} s`;
}
function fmtTime(iso) { return iso ? new Date(iso).toLocaleTimeString() : ''; }
function text(el, value) { if (el.textContent !== value) el.textContent = value; }

function renderOverview(o) {
  text($('version'), 'v' + o.version);
  text($('uptime'), fmtDuration(o.uptimeSeconds));
  text($('instances'), `${o.instances} protocol instance${o.instances === 1 ? '' : 's'}`);
  text($('connections'), fmtInt(o.connections));
  text($('rps'), `${fmtInt(Math.round(o.requestsPerSecond))} req/s`);
  text($('requests'), `${fmtInt(o.requests)} requests in all`);
  text($('latency'), `${fmtMs(o.latencyP50Ms)} / ${fmtMs(o.latencyP99Ms)}`);
  text($('errors'), fmtInt(o.errors));
  const codes = Object.entries(o.errorsByCode || {}).map(([k, v]) => `${k}: ${fmtInt(v)}`).join(' · ');
  text($('errorsByCode'), codes || 'none');
  text($('retries'), fmtInt(o.retries));
  text($('exhausted'), `${fmtInt(o.retriesExhausted)} RETRIES_EXHAUSTED`);
  const accepting = $('accepting');
  text(accepting, o.accepting ? 'accepting connections' : 'paused: draining');
  accepting.className = 'badge ' + (o.accepting ? 'ok' : 'warn');
  $('pause').hidden = !o.accepting;
  $('resume').hidden = o.accepting;
  const h = o.history || [];
  chart('chart-rps', h.map((p) => p.rps), 'req/s');
  chart('chart-p99', h.map((p) => p.p99Ms), 'ms');
  chart('chart-conn', h.map((p) => p.connections), '');
  chart('chart-err', h.map((p) => p.errorsPerSecond), '/s');
}

// The charts span the last five minutes, one point a second, newest on the right.
const CHART_SECONDS = 300;

function chart(id, values, unit) {
  const svg = $(id);
  const n = CHART_SECONDS;
  const max = Math.max(1, ...values);
  const pts = values.map((v, i) => `${(n - values.length + i).toFixed(1)},${(58 - (v / max) * 56).toFixed(1)}`);
  const first = values.length ? (n - values.length) : n;
  // A faint line a minute apart: the time axis (labelled under the chart).
  const grid = [60, 120, 180, 240].map((x) => `<line class="minute" x1="${x}" y1="0" x2="${x}" y2="60"></line>`).join('');
  svg.innerHTML = grid + (values.length
    ? `<polygon points="${first},60 ${pts.join(' ')} ${n - 1},60"></polygon><polyline points="${pts.join(' ')}"></polyline>`
    : '');
  text($(id + '-max'), `max ${fmtInt(Math.round(max))} ${unit}`.trim());
}

// Under each chart: where 5, 4, 3, 2 and 1 minutes ago and now fall on it.
function timeAxes() {
  for (const svg of document.querySelectorAll('.charts svg')) {
    const axis = document.createElement('div');
    axis.className = 'time-axis';
    axis.setAttribute('aria-hidden', 'true');
    axis.innerHTML = ['−5 min', '−4', '−3', '−2', '−1', 'now'].map((l) => `<span>${l}</span>`).join('');
    svg.after(axis);
  }
}

// In a cluster the cards count every node; latency and the charts stay this node's.
function renderClusterCards(c) {
  const t = c.totals;
  const self = c.nodes.find((n) => n.self);
  const scope = $('scope');
  scope.hidden = false;
  text(scope, `node ${self ? self.name : c.self} · cluster of ${t.nodes}`);
  text($('connections'), fmtInt(t.connections));
  text($('rps'), `${fmtInt(Math.round(t.requestsPerSecond))} req/s`);
  text($('requests'), `${fmtInt(t.requests)} requests in all, ${t.nodes} node${t.nodes === 1 ? '' : 's'}`);
  text($('errors'), fmtInt(t.errors));
  const codes = Object.entries(t.errorsByCode || {}).map(([k, v]) => `${k}: ${fmtInt(v)}`).join(' · ');
  text($('errorsByCode'), codes || 'none');
  text($('retries'), fmtInt(t.retries));
  text($('exhausted'), `${fmtInt(t.retriesExhausted)} RETRIES_EXHAUSTED`);
}

function share(pool) {
  return pool && pool.budget && pool.budget.share != null ? fmtInt(pool.budget.share) : '–';
}

function nodeButton(n) {
  if (!n.answering) return '';
  return n.accepting
    ? `<button type="button" class="node-action" data-pause="${esc(n.id)}">pause</button>`
    : `<button type="button" class="node-action" data-resume="${esc(n.id)}">resume</button>`;
}

function renderNodes(c) {
  $('nodes-panel').hidden = false;
  text($('node-count'), `${c.totals.answering} of ${c.totals.nodes} answering`);
  $('nodes').tBodies[0].innerHTML = c.nodes.map((n) => {
    const p = n.pool || {};
    const st = !n.answering ? `not answering: ${esc(n.error)}` : (n.accepting ? 'accepting' : 'paused');
    return `<tr data-node="${esc(n.id)}" class="${n.self ? 'self' : ''} ${n.answering ? '' : 'silent'}">`
      + `<td class="node-name">${esc(n.name ?? '?')}${n.self ? ' (this node)' : ''}</td>`
      + `<td class="node-id" title="${esc(n.id)}">${esc(String(n.id).slice(0, 8))}</td>`
      + `<td class="node-state">${st}</td>`
      + `<td class="num">${n.answering ? fmtInt(n.connections) : ''}</td>`
      + `<td class="num">${n.answering ? fmtInt(Math.round(n.requestsPerSecond)) : ''}</td>`
      + `<td class="num">${n.answering ? `${fmtInt(p.inUse)} / ${fmtInt(p.open)} / ${fmtInt(p.maxSize)}` : ''}</td>`
      + `<td class="num share">${n.answering ? share(p) : ''}</td>`
      + `<td class="num">${n.answering ? fmtInt(n.errors) : ''}</td>`
      + `<td>${nodeButton(n)}</td></tr>`;
  }).join('');
  const t = c.totals, p = t.pool || {};
  $('nodes').tFoot.innerHTML = `<tr><td>cluster</td><td></td><td></td><td class="num">${fmtInt(t.connections)}</td>`
    + `<td class="num">${fmtInt(Math.round(t.requestsPerSecond))}</td>`
    + `<td class="num">${fmtInt(p.inUse)} / ${fmtInt(p.open)} / ${fmtInt(p.maxSize)}</td><td></td>`
    + `<td class="num">${fmtInt(t.errors)}</td><td></td></tr>`;
}

function renderPool(p) {
  const rows = [
    ['max size', p.maxSize], ['open', p.open], ['in use', p.inUse], ['idle', p.idle],
    ['waiting', p.waiting], ['wait p50', fmtMs(p.waitP50Ms)], ['wait p99', fmtMs(p.waitP99Ms)],
    ['acquisitions', fmtInt(p.acquired)], ['timeouts', fmtInt(p.timeouts)], ['too busy', fmtInt(p.rejected)],
  ];
  // db.clusterMaxConnections: this node's share of the cluster-wide budget (absent without one).
  if (p.budget) {
    rows.splice(1, 0, ['budget share',
      `${fmtInt(p.budget.share)} of ${fmtInt(p.budget.clusterMaxConnections)}`
        + ` (${fmtInt(p.budget.nodes)} node${p.budget.nodes === 1 ? '' : 's'})`]);
  }
  // Conflict-aware admission: the kinds of transaction limited now (none while nothing conflicts).
  for (const k of p.admission || []) {
    rows.push([`<span title="${esc(k.fingerprint)}">admission ${esc(k.id)}</span>`,
      `<span class="admission">limit ${fmtInt(k.limit)} of ${fmtInt(k.maxLimit)}, ${fmtInt(k.running)} running,`
        + ` ${fmtInt(k.queued)} queued</span>`]);
  }
  $('pool').innerHTML = rows.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('');
}

function renderOperations(ops) {
  const body = $('operations').tBodies[0];
  body.innerHTML = ops.map((o) => `<tr><td title="${esc(o.description || '')}">${esc(o.name)}</td>`
    + `<td class="num">${fmtInt(o.calls)}</td><td class="num">${fmtInt(o.errors)}</td>`
    // An operation never called has no latency: "–", not a p99 of 0.00 ms.
    + `<td class="num">${fmtInt(o.retries)}</td><td class="num">${o.calls ? fmtMs(o.p99Ms) : '–'}</td></tr>`).join('')
    || '<tr><td colspan="5" class="muted">no named operations</td></tr>';
}

function esc(s) {
  return String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

function sessionValue(s, key) {
  if (key === 'inFlight') return s.inFlight ? s.inFlight.runningMs : -1;
  if (key === 'id') return Number(s.id);
  return s[key] ?? '';
}

// Session ids are per node: in a cluster a session is its node and its id.
function killButton(id, node) {
  const c = state.confirmKill;
  const on = node ? ` data-node="${esc(node)}"` : '';
  if (c && c.id === id && c.node === node && Date.now() < c.until) {
    return `<button type="button" class="kill confirm" data-confirm="${esc(id)}"${on}>confirm kill</button>`;
  }
  return `<button type="button" class="kill" data-kill="${esc(id)}"${on}>kill</button>`;
}

function sessionKey(s) {
  return state.clustered ? `${s.nodeId}/${s.id}` : String(s.id);
}

function sessionRow(s) {
  const f = s.inFlight;
  const busy = f ? `${esc(f.op)} ${fmtMs(f.runningMs)}: ${esc(f.detail)}` : '';
  const node = state.clustered ? `<td class="node" title="${esc(s.nodeId)}">${esc(s.node)}</td>` : '';
  return `${node}<td class="num">${esc(s.id)}</td><td>${esc(s.remoteAddress)}</td><td class="client">${esc(s.client ?? '')}</td>`
    + `<td class="identity">${esc(s.identity ?? '')}</td>`
    + `<td>${fmtTime(s.connectedAt)}</td><td>${esc(s.instance)}</td>`
    + `<td class="num">${fmtInt(s.requests)}</td><td class="num">${fmtInt(s.errors)}</td>`
    + `<td class="num">${fmtBytes(s.bytesIn)}</td><td class="num">${fmtBytes(s.bytesOut)}</td>`
    + `<td>${fmtTime(s.lastActivity)}</td><td class="sql" title="${busy}">${busy}</td>`
    + `<td>${killButton(s.id, state.clustered ? s.nodeId : undefined)}</td>`;
}

function renderSessions() {
  const f = state.filter.toLowerCase();
  const rows = state.sessions.filter((s) => !f || [s.id, s.node, s.remoteAddress, s.client, s.identity, s.instance,
    s.inFlight && s.inFlight.detail, s.inFlight && s.inFlight.op].some((v) => String(v ?? '').toLowerCase().includes(f)));
  rows.sort((a, b) => {
    const x = sessionValue(a, state.sortKey), y = sessionValue(b, state.sortKey);
    const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
    return state.sortAsc ? c : -c;
  });
  text($('session-count'), `${fmtInt(rows.length)} of ${fmtInt(state.sessions.length)}`);
  const pages = Math.max(1, Math.ceil(rows.length / PAGE_SIZE));
  state.page = Math.min(state.page, pages - 1);
  const from = state.page * PAGE_SIZE;
  const shown = rows.slice(from, from + PAGE_SIZE);
  text($('session-page'), rows.length ? `${fmtInt(from + 1)}–${fmtInt(from + shown.length)}` : '0');
  $('session-prev').disabled = state.page === 0;
  $('session-next').disabled = state.page >= pages - 1;
  const body = $('sessions').tBodies[0];
  const keep = new Set();
  let at = body.firstElementChild;
  for (const s of shown) {
    const key = sessionKey(s);
    keep.add(key);
    const html = sessionRow(s);
    let cached = rowCache.get(key);
    if (!cached) {
      const tr = document.createElement('tr');
      tr.dataset.session = s.id;
      if (state.clustered) tr.dataset.node = s.nodeId;
      cached = { tr, html: null };
      rowCache.set(key, cached);
    }
    if (cached.html !== html) {
      cached.tr.innerHTML = html;
      cached.html = html;
    }
    cached.tr.className = s.inFlight ? 'busy' : '';
    if (at === cached.tr) {
      at = at.nextElementSibling;
    } else {
      body.insertBefore(cached.tr, at);
    }
  }
  for (const [key, cached] of rowCache) {
    if (!keep.has(key)) {
      cached.tr.remove();
      rowCache.delete(key);
    }
  }
  for (const th of $('sessions').tHead.rows[0].cells) {
    th.classList.toggle('sorted', th.dataset.key === state.sortKey);
    th.classList.toggle('asc', th.dataset.key === state.sortKey && state.sortAsc);
  }
}

function apply(update) {
  state.clustered = !!update.cluster;
  $('node-column').hidden = !state.clustered;
  $('pool-scope').hidden = !state.clustered;
  renderOverview(update.overview);
  if (update.cluster) {
    renderClusterCards(update.cluster);
    renderNodes(update.cluster);
  }
  renderPool(update.pool);
  renderOperations(update.operations);
  state.sessions = update.sessions;
  renderSessions();
}

async function post(path) {
  const r = await fetch(path, { method: 'POST', headers: ACTION_HEADERS });
  if (!r.ok) {
    const body = await r.json().catch(() => ({}));
    throw new Error(`${path}: ${r.status}${body.error ? ' ' + body.error : ''}`);
  }
  return r.json();
}

// The stream is open only while the page is visible: the server builds the sessions snapshot only
// while some console is watching, and a page in a background tab is not.
let source = null;

function connect() {
  const live = $('live');
  source = new EventSource('api/stream');
  source.addEventListener('update', (e) => {
    text(live, 'live');
    live.className = 'badge ok';
    apply(JSON.parse(e.data));
  });
  source.onerror = () => {
    text(live, 'reconnecting…');
    live.className = 'badge warn';
  };
}

$('sessions').tHead.addEventListener('click', (e) => {
  const key = e.target.dataset && e.target.dataset.key;
  if (!key) return;
  state.sortAsc = state.sortKey === key ? !state.sortAsc : true;
  state.sortKey = key;
  renderSessions();
});
$('sessions').tBodies[0].addEventListener('click', async (e) => {
  const armed = e.target.dataset && e.target.dataset.kill;
  const node = e.target.dataset && e.target.dataset.node;
  if (armed) {
    state.confirmKill = { id: armed, node, until: Date.now() + CONFIRM_MS };
    renderSessions();
    setTimeout(renderSessions, CONFIRM_MS + 50);
    return;
  }
  const id = e.target.dataset && e.target.dataset.confirm;
  if (!id) return;
  state.confirmKill = null;
  e.target.disabled = true;
  try {
    await post(node ? `api/nodes/${encodeURIComponent(node)}/sessions/${encodeURIComponent(id)}/kill`
      : `api/sessions/${encodeURIComponent(id)}/kill`);
    state.sessions = state.sessions.filter((s) => !(s.id === id && s.nodeId === node));
    renderSessions();
  } catch (err) {
    e.target.disabled = false;
    alert(err.message);
  }
});
$('filter').addEventListener('input', (e) => { state.filter = e.target.value; state.page = 0; renderSessions(); });
$('session-prev').addEventListener('click', () => { state.page = Math.max(0, state.page - 1); renderSessions(); });
$('session-next').addEventListener('click', () => { state.page += 1; renderSessions(); });
document.addEventListener('visibilitychange', () => {
  if (document.hidden && source) {
    source.close();
    source = null;
    text($('live'), 'paused (page hidden)');
    $('live').className = 'badge';
  } else if (!document.hidden && !source) {
    connect();
  }
});
$('nodes').tBodies[0].addEventListener('click', async (e) => {
  const d = e.target.dataset || {};
  const node = d.pause || d.resume;
  if (!node) return;
  e.target.disabled = true;
  try {
    await post(`api/nodes/${encodeURIComponent(node)}/${d.pause ? 'pause' : 'resume'}`);
  } catch (err) {
    e.target.disabled = false;
    alert(err.message);
  }
});
$('pause').addEventListener('click', () => post('api/pause'));
$('resume').addEventListener('click', () => post('api/resume'));

timeAxes();
connect();
