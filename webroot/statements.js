// The console's Statements panel: each statement shape (its fingerprint: literals as ?) and the
// named operation that ran it, with calls, rows, errors, retries, conflicts and latency. Polls
// GET /api/statements while the page is visible; a click on a header sorts by that figure (the
// server sorts, so the top 100 are the top 100 by it).

const PERIOD_MS = 2000;
const LIMIT = 100;
const state = { sort: 'total' };

function fmtInt(n) { return Number(n ?? 0).toLocaleString('en-US'); }
function fmtMs(ms) { return ms == null ? '–' : (ms < 10 ? ms.toFixed(2) : ms.toFixed(0)) + ' ms'; }
function sum(o) { return Object.values(o || {}).reduce((a, b) => a + b, 0); }
// "SQL_ERROR/1062 3, deadlock 1": the breakdown a sum stands for, as a tooltip.
function breakdown(o) { return Object.entries(o || {}).map(([k, v]) => `${k} ${fmtInt(v)}`).join(', '); }

function cell(row, value, cls, title) {
  const td = row.insertCell();
  td.textContent = value;
  if (cls) td.className = cls;
  if (title) td.title = title;
  return td;
}

function render(body) {
  const tbody = document.querySelector('#statements tbody');
  const list = body.statements || [];
  document.getElementById('statements-count').textContent = body.enabled
    ? `${fmtInt(list.length)} shown of ${fmtInt(body.size)} (cap ${fmtInt(body.cap)}, ${fmtInt(body.evictions)} evicted)`
    : 'off (observability.digests: false)';
  tbody.replaceChildren();
  for (const s of list) {
    const row = tbody.insertRow();
    row.dataset.digest = s.digest;
    cell(row, s.fingerprint, 'sql', s.fingerprint);
    cell(row, s.op || '–', 'op');
    cell(row, fmtInt(s.calls), 'num calls');
    cell(row, fmtInt(s.rows), 'num rows');
    cell(row, fmtInt(sum(s.errors)), 'num errors', breakdown(s.errors));
    cell(row, fmtInt(sum(s.retries)), 'num retries', breakdown(s.retries));
    cell(row, fmtInt(s.conflicts), 'num conflicts');
    cell(row, fmtMs(s.p50Ms), 'num p50');
    cell(row, fmtMs(s.p99Ms), 'num p99');
    cell(row, fmtMs(s.maxMs), 'num max');
    cell(row, fmtMs(s.totalMs), 'num total');
  }
  if (list.length === 0) {
    const row = tbody.insertRow();
    cell(row, body.enabled ? 'no statements yet' : 'statement digests are off', 'muted').colSpan = 11;
  }
  for (const th of document.querySelectorAll('#statements th[data-sort]')) {
    th.classList.toggle('sorted', th.dataset.sort === state.sort);
  }
}

let timer = null;

async function poll() {
  timer = null;
  if (document.hidden) return;
  try {
    const r = await fetch(`api/statements?sort=${state.sort}&limit=${LIMIT}`, { cache: 'no-store' });
    if (r.ok) render(await r.json());
  } catch (e) {
    // The live badge of app.js already says when the server is unreachable.
  }
  schedule(PERIOD_MS);
}

function schedule(ms) {
  if (timer != null) clearTimeout(timer);
  timer = setTimeout(poll, ms);
}

document.querySelector('#statements thead').addEventListener('click', (e) => {
  const sort = e.target.dataset && e.target.dataset.sort;
  if (!sort) return;
  state.sort = sort;
  schedule(0);
});
// Refreshes only while the page is visible; at once when it becomes visible again.
document.addEventListener('visibilitychange', () => { if (!document.hidden) schedule(0); });

poll();
