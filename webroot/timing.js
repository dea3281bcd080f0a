// The console's "Where time goes" panel: how this node's requests spent the last minute, split into
// queueing behind earlier requests on their connection, waiting for a database connection, the
// database itself and retry backoff. Polls GET /api/timing; a stacked bar plus one row per part.

const PERIOD_MS = 2000;
const SVG = 'http://www.w3.org/2000/svg';
const PARTS = [
  ['queue', 'queued behind earlier requests', 'part-queue'],
  ['connectionWait', 'waiting for a connection', 'part-wait'],
  ['db', 'in the database', 'part-db'],
  ['backoff', 'retry backoff', 'part-backoff'],
];

function fmtMs(ms) {
  return ms < 10 ? ms.toFixed(2) + ' ms' : Math.round(ms).toLocaleString('en-US') + ' ms';
}

function cell(row, value, cls) {
  const td = row.insertCell();
  td.textContent = value;
  if (cls) td.className = cls;
  return td;
}

function render(body) {
  document.getElementById('timing-scope').textContent =
    `last ${body.windowSeconds} s, ${Number(body.requests).toLocaleString('en-US')} requests`;
  const bar = document.getElementById('timing-bar');
  bar.replaceChildren();
  let x = 0;
  for (const [key, , cls] of PARTS) {
    const share = body.parts[key].share;
    if (share <= 0) continue;
    const rect = document.createElementNS(SVG, 'rect');
    rect.setAttribute('x', String(x * 300));
    rect.setAttribute('width', String(share * 300));
    rect.setAttribute('y', '0');
    rect.setAttribute('height', '16');
    rect.setAttribute('class', cls);
    bar.append(rect);
    x += share;
  }
  const tbody = document.querySelector('#timing tbody');
  tbody.replaceChildren();
  for (const [key, label, cls] of PARTS) {
    const part = body.parts[key];
    const row = tbody.insertRow();
    row.dataset.part = key;
    const name = cell(row, label);
    const swatch = document.createElement('span');
    swatch.className = 'swatch ' + cls;
    name.prepend(swatch);
    cell(row, body.requests ? fmtMs(part.ms) : '–', 'num');
    cell(row, body.totalMs ? (part.share * 100).toFixed(1) + ' %' : '–', 'num');
  }
}

async function poll() {
  try {
    const r = await fetch('api/timing', { cache: 'no-store' });
    if (r.ok) render(await r.json());
  } catch (e) {
    // The live badge of app.js already says when the server is unreachable.
  }
  setTimeout(poll, PERIOD_MS);
}

poll();
