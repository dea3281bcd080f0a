// The console's Contention panel: who waits for whose lock right now, and the last deadlock, with
// the txgate session on each side. Polls GET /api/locks once a second while the page is visible.
// A txgate blocker gets a kill button (two clicks, as in the sessions table); a blocker that is not
// a txgate session is only named: txgate kills only its own sessions.

const PERIOD_MS = 1000;
const CONFIRM_MS = 5000;
const ACTION_HEADERS = { 'X-Txgate-Console': '1' };
let armed = null; // { id, until }
let latest = null;
let timer = null;

function esc(s) {
  return String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

function seconds(ms) { return ms == null ? '–' : (ms / 1000).toFixed(1) + ' s'; }

function who(p, extra) {
  if (p.txgate) {
    const parts = [p.client || 'no client name', p.op, p.statement].filter((x) => x);
    if (extra) parts.push(extra);
    return `session <b class="session">${esc(p.session)}</b> (${parts.map(esc).join(', ')})`;
  }
  const where = p.user ? `${p.user}@${p.host ?? ''}` : null;
  const parts = ['not a txgate session', where, p.statement, extra].filter((x) => x);
  return `thread <b class="thread">${esc(p.threadId)}</b> (${parts.map(esc).join(', ')})`;
}

function killButton(id) {
  if (armed && armed.id === id && Date.now() < armed.until) {
    return `<button type="button" class="kill confirm" data-lock-confirm="${esc(id)}">confirm kill</button>`;
  }
  return `<button type="button" class="kill" data-lock-kill="${esc(id)}">kill blocker</button>`;
}

function renderWaits(body) {
  const list = document.getElementById('lock-waits');
  const waits = body.waits || [];
  document.getElementById('locks-state').textContent = body.sampleMs === 0 ? 'sampling off'
    : waits.length === 0 ? 'no lock waits' : `${waits.length} waiting`;
  list.innerHTML = waits.map((w) => {
    const b = w.blocker;
    const action = b.txgate ? killButton(b.session) : '<span class="badge">not a txgate session</span>';
    return `<li data-waiter="${esc(w.waiter.session ?? '')}" data-blocker="${esc(b.session ?? '')}"`
      + ` data-blocker-txgate="${b.txgate}">${who(w.waiter)} has waited ${seconds(w.waiter.waitedMs)}`
      + ` on a lock held by ${who(b, 'transaction open ' + seconds(b.trxOpenMs))} ${action}</li>`;
  }).join('');
}

function renderDeadlock(d) {
  const el = document.getElementById('last-deadlock');
  if (!d) {
    el.innerHTML = '<span class="muted">no deadlock seen since txgate started</span>';
    return;
  }
  const rows = (d.transactions || []).map((t) => `<li data-deadlock-session="${esc(t.session ?? '')}">`
    + `${who({ ...t, statement: null })} ran <code>${esc(t.digest ?? '')}</code>`
    + `${t.rolledBack ? ' <span class="badge warn">rolled back</span>' : ''}</li>`).join('');
  el.innerHTML = `<h3>Last deadlock <span class="muted">${esc(d.at)}</span></h3><ul>${rows}</ul>`;
}

function render(body) {
  latest = body;
  renderWaits(body);
  renderDeadlock(body.lastDeadlock);
}

async function poll() {
  timer = null;
  if (document.visibilityState !== 'visible') return;
  try {
    const r = await fetch('api/locks', { cache: 'no-store' });
    if (r.ok) render(await r.json());
  } catch (e) {
    // The live badge of app.js already says when the server is unreachable.
  }
  timer = setTimeout(poll, PERIOD_MS);
}

document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible' && timer === null) poll();
});

document.getElementById('lock-waits').addEventListener('click', async (e) => {
  const d = e.target.dataset || {};
  if (d.lockKill) {
    armed = { id: d.lockKill, until: Date.now() + CONFIRM_MS };
    if (latest) renderWaits(latest);
    return;
  }
  if (!d.lockConfirm) return;
  armed = null;
  e.target.disabled = true;
  const r = await fetch(`api/sessions/${encodeURIComponent(d.lockConfirm)}/kill`,
    { method: 'POST', headers: ACTION_HEADERS });
  if (!r.ok) {
    e.target.disabled = false;
    alert(`kill ${d.lockConfirm}: ${r.status}`);
  }
});

poll();
