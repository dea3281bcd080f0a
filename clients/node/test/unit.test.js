'use strict';

// Framing, value mapping, error model and the connection's bookkeeping, without a txgate:
// the last tests script a TCP peer to check what the client does with answers it cannot match.

const test = require('node:test');
const assert = require('node:assert/strict');
const net = require('node:net');
const tls = require('node:tls');
const fs = require('node:fs');
const path = require('node:path');
const { LineSplitter } = require('../lib/framing');
const values = require('../lib/values');
const errors = require('../lib/errors');
const txgate = require('..');

test('lines split across chunks, \\r\\n, and a character cut between chunks', () => {
  const s = new LineSplitter();
  const text = Buffer.from('{"a":"h\u00e9llo \u{1F600}"}\r\n{"b":2}\n{"c":', 'utf8');
  const cut = text.indexOf(0xf0) + 2; // inside the 4-byte emoji
  assert.deepEqual(s.push(text.subarray(0, cut)), []);
  assert.deepEqual(s.push(text.subarray(cut)), ['{"a":"h\u00e9llo \u{1F600}"}', '{"b":2}']);
  assert.equal(s.pending, 5);
  assert.deepEqual(s.push(Buffer.from('3}\n\n')), ['{"c":3}', '']);
  assert.equal(s.pending, 0);
});

test('parameters: BigInt keeps every digit, bytes become $base64, Date becomes UTC text', () => {
  const params = values.encodeParams([
    9007199254740993n, -9223372036854775808n, 18446744073709551615n, Buffer.from([0xde, 0xad, 0xbe, 0xef]),
    new Uint8Array([0, 255]), new Date(Date.UTC(2024, 1, 29, 23, 59, 59, 500)), null, undefined, true,
    '10.05', 1.5, { $base64: 'AA==' },
  ]);
  assert.equal(values.stringify({ id: 1, params }),
    '{"id":1,"params":[9007199254740993,-9223372036854775808,18446744073709551615,'
    + '{"$base64":"3q2+7w=="},{"$base64":"AP8="},"2024-02-29T23:59:59.500",null,null,true,"10.05",1.5,'
    + '{"$base64":"AA=="}]}');
});

test('a Uint8Array that is a view of a larger buffer sends only its own bytes', () => {
  const whole = new Uint8Array([1, 2, 3, 4, 5]);
  assert.deepEqual(values.encodeValue(whole.subarray(1, 3), 'p'), { $base64: Buffer.from([2, 3]).toString('base64') });
});

test('parameters that JSON cannot carry are refused, naming the parameter', () => {
  assert.throws(() => values.encodeParams([1, NaN]), /params\[1\] is NaN/);
  assert.throws(() => values.encodeParams([{ a: 1 }]), /params\[0\] cannot be sent/);
  assert.throws(() => values.encodeParams([[1]]), /params\[0\] cannot be sent/);
  assert.throws(() => values.encodeArgs({ when: new Date(NaN) }), /invalid Date/);
  assert.throws(() => values.encodeParams('x'), /must be an array/);
});

test('stringify escapes like JSON and keeps Unicode', () => {
  const s = values.stringify({ sql: 'a\n"b"\u2028 \u{1F600}', n: -0.5, list: [] });
  assert.deepEqual(JSON.parse(s), { sql: 'a\n"b"\u2028 \u{1F600}', n: -0.5, list: [] });
  assert.ok(!s.includes('\n'));
});

test('results: integers beyond 2^53 as BigInt, binary as Buffer, the rest exact as sent', () => {
  const r = new txgate.Result({
    columns: ['i', 'big', 'd', 'b', 'dt', 't', 'n', 'f'],
    types: ['integer', 'integer', 'decimal', 'binary', 'datetime', 'time', 'string', 'float'],
    rows: [[9007199254740991, '18446744073709551615', '0.0000000001', { $base64: '3q2+7w==' },
      '2024-02-29T23:59:59.999999', '-838:59:59', null, 1.5]],
    affectedRows: 0,
    lastInsertId: '9007199254740993',
    attempts: 1,
  });
  assert.deepEqual(r.rows[0], [9007199254740991, 18446744073709551615n, '0.0000000001',
    Buffer.from('deadbeef', 'hex'), '2024-02-29T23:59:59.999999', '-838:59:59', null, 1.5]);
  assert.equal(r.lastInsertId, 9007199254740993n);
  assert.equal(r.replayed, false);
  assert.equal(r.scalar(), 9007199254740991);
  assert.equal(r.objects()[0].d, '0.0000000001');
});

test('every server code maps to its family with committed as in PROTOCOL.md', () => {
  const expected = {
    BAD_REQUEST: [txgate.RequestError, 'no'],
    FRAME_TOO_LARGE: [txgate.RequestError, 'no'],
    UNKNOWN_OPERATION: [txgate.RequestError, 'no'],
    FORBIDDEN: [txgate.RequestError, 'no'],
    UNAUTHENTICATED: [txgate.RequestError, 'no'],
    SQL_ERROR: [txgate.SqlError, 'no'],
    RESULT_TOO_LARGE: [txgate.SqlError, 'no'],
    CONFLICT: [txgate.ConflictError, 'no'],
    UNAVAILABLE: [txgate.TransientError, 'no'],
    BUSY: [txgate.TransientError, 'no'],
    TIMEOUT: [txgate.TransientError, 'no'],
    RETRIES_EXHAUSTED: [txgate.TransientError, 'no'],
    COMMIT_UNKNOWN: [txgate.CommitUnknownError, 'unknown'],
    INTERNAL: [txgate.InternalError, 'no'],
  };
  for (const [code, [cls, committed]] of Object.entries(expected)) {
    const e = errors.fromServer({ code, message: 'm', retryable: code === 'BUSY', step: 2, sqlState: '42S02', vendorCode: 1146, ref: 'abc' }, 7);
    assert.ok(e instanceof cls, code);
    assert.ok(e instanceof txgate.TxgateError, code);
    assert.equal(e.code, code);
    assert.equal(e.committed, committed, code);
    assert.equal(e.retryable, code === 'BUSY', code);
    assert.deepEqual([e.step, e.sqlState, e.vendorCode, e.ref, e.id], [2, '42S02', 1146, 'abc', 7]);
  }
  const unknown = errors.fromServer({ code: 'SOMETHING_NEW', message: 'm', retryable: true });
  assert.equal(unknown.constructor, txgate.TxgateError);
  assert.equal(unknown.retryable, true);
});

test('withRetry resends with the same key on retry-safe errors only', async () => {
  const keys = [];
  const result = await txgate.withRetry(async (key, attempt) => {
    keys.push(key);
    if (attempt === 1) throw errors.fromServer({ code: 'COMMIT_UNKNOWN', message: 'm', retryable: false });
    if (attempt === 2) throw errors.connectionError('lost', true);
    return 'done';
  }, { baseMs: 1 });
  assert.equal(result, 'done');
  assert.equal(keys.length, 3);
  assert.equal(new Set(keys).size, 1);
  assert.match(keys[0], /^[0-9a-f-]{36}$/);

  let runs = 0;
  await assert.rejects(txgate.withRetry(async () => {
    runs++;
    throw errors.fromServer({ code: 'SQL_ERROR', message: 'm', retryable: false });
  }, { baseMs: 1 }), txgate.SqlError);
  assert.equal(runs, 1);

  runs = 0;
  await assert.rejects(txgate.withRetry(async () => {
    runs++;
    throw errors.fromServer({ code: 'BUSY', message: 'm', retryable: true });
  }, { attempts: 3, baseMs: 1 }), txgate.TransientError);
  assert.equal(runs, 3);
});

/** A TCP peer that records request lines and answers as `answer(request, socket)` decides. */
function scriptedPeer(answer) {
  return new Promise((resolve) => {
    const server = net.createServer((socket) => {
      const s = new LineSplitter();
      socket.on('data', (chunk) => {
        for (const line of s.push(chunk)) answer(JSON.parse(line), socket);
      });
      socket.on('error', () => {});
    });
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

test('pipelined calls are answered in order, each with its own result', async () => {
  const server = await scriptedPeer((req, socket) => {
    socket.write(`${JSON.stringify({ id: req.id, ok: true, result: { columns: ['x'], types: ['string'], rows: [[req.sql]] } })}\n`);
  });
  const c = await txgate.connect({ port: server.address().port, hello: false });
  const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => c.execute(`q${i}`)));
  assert.deepEqual(answers.map((r) => r.scalar()), Array.from({ length: 50 }, (_, i) => `q${i}`));
  await c.close();
  server.close();
});

test('a call that times out closes the connection; its late answer is never read as another call\'s', async () => {
  const held = [];
  const server = await scriptedPeer((req, socket) => {
    if (req.sql === 'slow') {
      held.push([req, socket]);
      return;
    }
    // Answer the slow request late, then this one: a client that kept the connection would now
    // read the slow answer as this call's.
    for (const [slow, s] of held.splice(0)) {
      s.write(`${JSON.stringify({ id: slow.id, ok: true, result: { columns: ['x'], types: ['string'], rows: [['late']] } })}\n`);
    }
    socket.write(`${JSON.stringify({ id: req.id, ok: true, result: { columns: ['x'], types: ['string'], rows: [['mine']] } })}\n`);
  });
  const c = await txgate.connect({ port: server.address().port, hello: false });
  try {
    const slow = c.execute('slow', [], { callTimeoutMs: 50 });
    const behind = c.execute('slow');
    await assert.rejects(slow, (e) => e instanceof txgate.ClientTimeoutError
      && e.code === 'CLIENT_TIMEOUT' && e.committed === 'unknown' && e.retryable === true);
    assert.equal(c.closed, true);
    await assert.rejects(behind, (e) => e instanceof txgate.ConnectionError && e.committed === 'unknown');
    await assert.rejects(c.execute('next'), (e) => e instanceof txgate.ConnectionError && e.committed === 'no');
  } finally {
    await c.close();
    server.close();
  }
});

test('an answer whose id is not the oldest call\'s closes the connection', async () => {
  const server = await scriptedPeer((req, socket) => {
    socket.write(`${JSON.stringify({ id: req.id + 1, ok: true, result: {} })}\n`);
  });
  const c = await txgate.connect({ port: server.address().port, hello: false });
  await assert.rejects(c.ping(), (e) => e.code === 'CONNECTION' && /expected/.test(e.message));
  assert.equal(c.closed, true);
  server.close();
});

test('a request over the announced maxFrameBytes is refused without being sent', async () => {
  const seen = [];
  const server = await scriptedPeer((req, socket) => {
    seen.push(req.op);
    const result = req.op === 'hello' ? { server: 'x', session: '1', protocol: 1, limits: { maxFrameBytes: 100 } } : {};
    socket.write(`${JSON.stringify({ id: req.id, ok: true, result })}\n`);
  });
  const c = await txgate.connect({ port: server.address().port });
  await assert.rejects(c.execute('SELECT ?', ['x'.repeat(200)]),
    (e) => e instanceof txgate.RequestError && e.code === 'FRAME_TOO_LARGE' && e.committed === 'no');
  assert.equal(await c.ping(), true);
  assert.deepEqual(seen, ['hello', 'ping']);
  await c.close();
  server.close();
});

test('an unreachable server is a ConnectionError with nothing sent', async () => {
  // Nothing can listen on port 0: the connection is refused.
  await assert.rejects(txgate.connect({ port: 0 }), (e) => e instanceof txgate.ConnectionError
    && e.code === 'CONNECTION' && e.committed === 'no' && e.retryable === true);
});

test('unknown options are refused before anything is sent', async () => {
  const server = await scriptedPeer(() => {});
  const c = await txgate.connect({ port: server.address().port, hello: false });
  await assert.rejects(c.execute('SELECT 1', [], { readonly: true }), /unknown option 'readonly'/);
  assert.equal(c.pending, 0);
  await c.close();
  server.close();
});

test('a raw request cannot replace the id the client matches answers by', async () => {
  const ids = [];
  const server = await scriptedPeer((req, socket) => {
    ids.push(req.id);
    socket.write(`${JSON.stringify({ id: req.id, ok: true, result: { echoed: req.op } })}\n`);
  });
  const c = await txgate.connect({ port: server.address().port, hello: false });
  try {
    assert.deepEqual(await c.request({ id: 'mine', op: 'ping' }), { echoed: 'ping' });
    assert.deepEqual(ids, [1]);
    await assert.rejects(c.ping({ readOnly: true }), /unknown option 'readOnly'/);
  } finally {
    await c.close();
    server.close();
  }
});

test('tls: true connects through TLS, for a TLS-terminating proxy in front of txgate', async () => {
  const fixtures = path.join(__dirname, 'fixtures');
  const cert = fs.readFileSync(path.join(fixtures, 'localhost-cert.pem'));
  const server = tls.createServer({ key: fs.readFileSync(path.join(fixtures, 'localhost-key.pem')), cert }, (socket) => {
    const s = new LineSplitter();
    socket.on('data', (chunk) => {
      for (const line of s.push(chunk)) {
        const req = JSON.parse(line);
        socket.write(`${JSON.stringify({ id: req.id, ok: true, result: req.op === 'hello' ? { server: 'tls-peer', session: '1', protocol: 1, limits: {} } : {} })}\n`);
      }
    });
    socket.on('error', () => {});
  });
  await new Promise((r) => { server.listen(0, '127.0.0.1', r); });
  try {
    const { port } = server.address();
    const c = await txgate.connect({ port, tls: { ca: cert } });
    assert.equal(c.server, 'tls-peer');
    assert.equal(await c.ping(), true);
    await c.close();
    await assert.rejects(txgate.connect({ port, tls: true }), (e) => e instanceof txgate.ConnectionError
      && e.committed === 'no' && /certificate/.test(e.message));
  } finally {
    server.close();
  }
});
