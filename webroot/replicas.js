// The console's Replicas panel: each read replica, whether it serves readOnly requests now, its lag
// and what it served. Polls GET /api/replicas; stays hidden on a server without replicas.

const PERIOD_MS = 2000;

function cell(row, value, cls) {
  const td = row.insertCell();
  td.textContent = value;
  if (cls) td.className = cls;
  return td;
}

function render(body) {
  const panel = document.getElementById('replicas-panel');
  const list = body.replicas || [];
  panel.hidden = list.length === 0;
  if (list.length === 0) return;
  document.getElementById('replicas-limit').textContent =
    `lag limit ${body.maxReplicaLagMs} ms, read-your-writes ${body.readYourWritesMs} ms`;
  const tbody = document.querySelector('#replicas tbody');
  tbody.replaceChildren();
  for (const r of list) {
    const row = tbody.insertRow();
    cell(row, r.url);
    const badge = document.createElement('span');
    badge.className = 'badge ' + (r.usable ? 'ok' : 'warn');
    badge.textContent = r.usable ? 'usable' : 'not usable';
    row.insertCell().append(badge);
    cell(row, r.lagSeconds == null ? '–' : String(r.lagSeconds), 'num');
    cell(row, Number(r.requests).toLocaleString('en-US'), 'num');
    cell(row, Number(r.fallbacks).toLocaleString('en-US'), 'num');
    cell(row, r.lastError || '');
  }
}

async function poll() {
  try {
    const r = await fetch('api/replicas', { cache: 'no-store' });
    if (r.ok) render(await r.json());
  } catch (e) {
    // The live badge of app.js already says when the server is unreachable.
  }
  setTimeout(poll, PERIOD_MS);
}

poll();
