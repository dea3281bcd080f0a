'use strict';

// Tests against a real txgate: its address comes from TXGATE_TEST_HOST / TXGATE_TEST_PORT, which
// NodeClientTest (src/test/java/io/txgate/clients) sets after starting one. Without
// TXGATE_TEST_PORT these tests are skipped. They write only to the t_* tables of fixtures.sql.

const test = require('node:test');
const assert = require('node:assert/strict');
const txgate = require('..');

const HOST = process.env.TXGATE_TEST_HOST || '127.0.0.1';
const PORT = process.env.TXGATE_TEST_PORT ? Number(process.env.TXGATE_TEST_PORT) : undefined;
const skip = PORT === undefined ? 'TXGATE_TEST_PORT is not set: run through NodeClientTest' : false;

function connect(extra = {}) {
  return txgate.connect({ host: HOST, port: PORT, clientName: 'node-tests', ...extra });
}

async function withClient(fn) {
  const db = await connect();
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

function uniqueTag() {
  return `node-${txgate.newRequestKey()}`;
}

test('hello reports the server, session and limits; ping answers', { skip }, () => withClient(async (db) => {
  assert.match(db.server, /^txgate\//);
  assert.equal(typeof db.session, 'string');
  assert.equal(db.limits.maxFrameBytes, 1048576);
  assert.equal(await db.ping(), true);
  const again = await db.hello('renamed');
  assert.equal(again.protocol, 1);
}));

test('an unsupported protocol version is BAD_REQUEST and the connection stays usable', { skip }, () => withClient(async (db) => {
  await assert.rejects(db.request({ op: 'hello', protocol: 2 }),
    (e) => e instanceof txgate.RequestError && e.code === 'BAD_REQUEST' && e.committed === 'no');
  assert.equal(await db.ping(), true);
}));

test('values both ways: exact decimals, integers beyond 2^53, binary, dates, long times, Unicode, null', { skip }, () => withClient(async (db) => {
  const r = await db.execute(
    'SELECT CAST(? AS DECIMAL(30,10)), CAST(? AS UNSIGNED), CAST(? AS SIGNED), ?, CAST(? AS DATE),'
      + ' CAST(? AS DATETIME(6)), CAST(? AS DATETIME), CAST(? AS TIME(6)), CAST(? AS TIME(6)), ?, ?, 2.5e0,'
      + ' CAST(? AS CHAR), ?, ?, ?',
    ['12345678901234567890.0123456789', 18446744073709551615n, -9223372036854775808n,
      Buffer.from([0x00, 0xff, 0x62]), '2024-02-29', new Date(Date.UTC(2024, 1, 29, 23, 59, 59, 500)),
      '2024-02-29 12:00:00', '-838:59:59', '100:00:00.000001', 'h\u00e9llo \u{1F600} \u{10FFFF}', null,
      123456789012345678901234567890n, 9007199254740993n, true, 9007199254740991],
  );
  assert.deepEqual(r.types.slice(0, 9),
    ['decimal', 'integer', 'integer', 'binary', 'date', 'datetime', 'datetime', 'time', 'time']);
  assert.deepEqual(r.rows[0], [
    '12345678901234567890.0123456789', 18446744073709551615n, -9223372036854775808n,
    Buffer.from([0x00, 0xff, 0x62]), '2024-02-29', '2024-02-29T23:59:59.500000', '2024-02-29T12:00:00',
    '-838:59:59', '100:00:00.000001', 'h\u00e9llo \u{1F600} \u{10FFFF}', null, 2.5,
    '123456789012345678901234567890', 9007199254740993n, 1, 9007199254740991,
  ]);
}));

test('every column type of t_types comes back as PROTOCOL.md section 4 says', { skip }, () => withClient(async (db) => {
  const id = 700000 + Math.floor(Math.random() * 100000);
  await db.execute('DELETE FROM t_types WHERE id = ?', [id]);
  try {
    await db.execute(
      'INSERT INTO t_types (id, c_bigint, c_ubigint, c_decimal, c_float, c_bit, c_bool, c_varchar, c_text,'
        + ' c_binary, c_varbinary, c_blob, c_date, c_time, c_datetime, c_year, c_enum, c_set, c_json, c_geometry)'
        + ' VALUES (?, ?, ?, ?, ?, CAST(? AS UNSIGNED), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ST_GeomFromText(?))',
      [id, -9223372036854775808n, 18446744073709551615n, '-0.0000000001', 1.5, '18446744073709551615', true,
        'caf\u00e9 \u{1F600}', '', Buffer.from('deadbeef', 'hex'), new Uint8Array([1, 2, 3]), Buffer.alloc(0),
        '2024-02-29', '838:59:59', '2024-02-29 23:59:59.999999', 2024, 'medium', 'a,c', '{"a": 1}', 'POINT(1.5 -2)'],
    );
    const r = await db.execute(
      'SELECT c_bigint, c_ubigint, c_decimal, c_float, c_bit, c_bool, c_varchar, c_text, c_binary, c_varbinary,'
        + ' c_blob, c_date, c_time, c_datetime, c_year, c_enum, c_set, c_json, c_geometry, c_int, c_timestamp'
        + ' FROM t_types WHERE id = ?',
      [id],
      { expect: { rowCount: 1 } },
    );
    const row = r.objects()[0];
    assert.equal(row.c_bigint, -9223372036854775808n);
    assert.equal(row.c_ubigint, 18446744073709551615n);
    assert.equal(row.c_decimal, '-0.0000000001');
    assert.equal(row.c_float, 1.5);
    assert.equal(row.c_bit, 18446744073709551615n);
    assert.equal(row.c_bool, 1);
    assert.equal(row.c_varchar, 'caf\u00e9 \u{1F600}');
    assert.equal(row.c_text, '');
    assert.deepEqual(row.c_binary, Buffer.from('deadbeef', 'hex'));
    assert.deepEqual(row.c_varbinary, Buffer.from([1, 2, 3]));
    assert.deepEqual(row.c_blob, Buffer.alloc(0));
    assert.equal(row.c_date, '2024-02-29');
    assert.equal(row.c_time, '838:59:59');
    assert.equal(row.c_datetime, '2024-02-29T23:59:59.999999');
    assert.equal(row.c_year, 2024);
    assert.equal(row.c_enum, 'medium');
    assert.equal(row.c_set, 'a,c');
    assert.deepEqual(JSON.parse(row.c_json), { a: 1 });
    assert.equal(row.c_geometry, 'POINT(1.5 -2)');
    assert.equal(row.c_int, null);
    assert.equal(row.c_timestamp, null);
  } finally {
    await db.execute('DELETE FROM t_types WHERE id = ?', [id]);
  }
}));

test('many calls pipelined on one connection each get their own answer; an error fails only its call', { skip }, () => withClient(async (db) => {
  const calls = [];
  for (let i = 0; i < 200; i++) {
    calls.push(i === 100 ? db.execute('SELECT * FROM t_no_such_table') : db.execute('SELECT ?', [i]));
  }
  const settled = await Promise.allSettled(calls);
  settled.forEach((s, i) => {
    if (i === 100) {
      assert.equal(s.status, 'rejected');
      assert.ok(s.reason instanceof txgate.SqlError);
      assert.deepEqual([s.reason.code, s.reason.vendorCode, s.reason.sqlState, s.reason.retryable, s.reason.committed],
        ['SQL_ERROR', 1146, '42S02', false, 'no']);
    } else {
      assert.equal(s.value.scalar(), i);
    }
  });
}));

test('a batch is all or nothing and its error names the failing step', { skip }, () => withClient(async (db) => {
  const tag = uniqueTag();
  await assert.rejects(db.batch([
    ['INSERT INTO t_items (tag, n) VALUES (?, ?)', [tag, 1]],
    { sql: 'INSERT INTO t_items (tag, n) VALUES (?, ?)', params: [tag, 2] },
    'INSERT INTO t_no_such_table VALUES (1)',
  ]), (e) => e instanceof txgate.SqlError && e.step === 2 && e.vendorCode === 1146);
  const count = await db.execute('SELECT COUNT(*) FROM t_items WHERE tag = ?', [tag]);
  assert.equal(count.scalar(), 0);

  const ok = await db.batch([
    ['INSERT INTO t_items (tag, n) VALUES (?, ?)', [tag, 1]],
    ['SELECT n FROM t_items WHERE tag = ?', [tag]],
  ], { isolation: 'READ_COMMITTED', maxAttempts: 2, timeoutMs: 10000 });
  assert.equal(ok.results.length, 2);
  assert.equal(ok.results[0].affectedRows, 1);
  assert.equal(typeof ok.results[0].lastInsertId, 'number');
  assert.deepEqual(ok.results[1].rows, [[1]]);
  assert.equal(ok.attempts, 1);
  await db.execute('DELETE FROM t_items WHERE tag = ?', [tag]);
}));

test('a missed expectation is a ConflictError naming the step', { skip }, () => withClient(async (db) => {
  await assert.rejects(db.execute('UPDATE t_items SET n = n WHERE tag = ?', [uniqueTag()], { expect: { affectedRows: 1 } }),
    (e) => e instanceof txgate.ConflictError && e.code === 'CONFLICT' && e.step === 0 && e.committed === 'no');
  await assert.rejects(db.batch([{ sql: 'SELECT 1', expect: { rowCount: 1 } }, { sql: 'SELECT 1 FROM DUAL WHERE 1 = 0', expect: { rowCount: 1 } }]),
    (e) => e instanceof txgate.ConflictError && e.step === 1);
}));

test('transaction options reach the server: isolation, readOnly, maxAttempts, requestKey, consistency (timeoutMs: last test)', { skip }, () => withClient(async (db) => {
  for (const isolation of ['READ_UNCOMMITTED', 'READ_COMMITTED', 'REPEATABLE_READ', 'SERIALIZABLE']) {
    assert.equal((await db.execute('SELECT 1', [], { isolation })).scalar(), 1);
  }
  await assert.rejects(db.execute('SELECT 1', [], { isolation: 'CHAOS' }), (e) => e.code === 'BAD_REQUEST');
  await assert.rejects(db.execute('INSERT INTO t_items (tag, n) VALUES (?, 1)', [uniqueTag()], { readOnly: true }),
    (e) => e instanceof txgate.SqlError && e.vendorCode === 1792);
  await assert.rejects(db.execute('SELECT 1', [], { maxAttempts: 0 }), (e) => e.code === 'BAD_REQUEST');
  assert.equal((await db.execute('SELECT 1', [], { maxAttempts: 1 })).attempts, 1);
  await assert.rejects(db.execute('SELECT 1', [], { readOnly: true, requestKey: txgate.newRequestKey() }),
    (e) => e.code === 'BAD_REQUEST');
  assert.equal((await db.execute('SELECT 1', [], { readOnly: true, consistency: 'primary' })).scalar(), 1);
  await assert.rejects(db.execute('SELECT 1', [], { readOnly: true, consistency: 'nearest' }),
    (e) => e.code === 'BAD_REQUEST' && /consistency/.test(e.message));
}));

test('a requestKey makes a resend replay the stored answer instead of running again', { skip }, () => withClient(async (db) => {
  const tag = uniqueTag();
  const key = txgate.newRequestKey();
  const first = await db.execute('INSERT INTO t_items (tag, n) VALUES (?, ?)', [tag, 1], { requestKey: key });
  const again = await db.execute('INSERT INTO t_items (tag, n) VALUES (?, ?)', [tag, 1], { requestKey: key, timeoutMs: 5000 });
  assert.equal(first.replayed, false);
  assert.equal(again.replayed, true);
  assert.equal(again.lastInsertId, first.lastInsertId);
  assert.equal((await db.execute('SELECT COUNT(*) FROM t_items WHERE tag = ?', [tag])).scalar(), 1);
  await assert.rejects(db.execute('INSERT INTO t_items (tag, n) VALUES (?, ?)', [tag, 2], { requestKey: key }),
    (e) => e.code === 'BAD_REQUEST');
  await db.execute('DELETE FROM t_items WHERE tag = ?', [tag]);
}));

test('withRetry resends with the same key after a lost answer, and the work happens once', { skip }, async () => {
  const pool = new txgate.Pool({ host: HOST, port: PORT, size: 2 });
  try {
    const tag = uniqueTag();
    const result = await txgate.withRetry(async (requestKey, attempt) => {
      const r = await pool.batch([['INSERT INTO t_items (tag, n) VALUES (?, ?)', [tag, 1]]], { requestKey });
      if (attempt === 1) {
        // The answer is "lost" on the way back: the caller cannot know that it committed.
        throw new txgate.ConnectionError('CONNECTION', 'connection lost', { retryable: true, committed: 'unknown' });
      }
      return r;
    }, { baseMs: 1 });
    assert.equal(result.replayed, true);
    assert.equal((await pool.execute('SELECT COUNT(*) FROM t_items WHERE tag = ?', [tag])).scalar(), 1);
    await pool.execute('DELETE FROM t_items WHERE tag = ?', [tag]);
  } finally {
    await pool.close();
  }
});

test('named operations: listing, a read-only call, and each error family', { skip }, () => withClient(async (db) => {
  const ops = await db.operations();
  const transfer = ops.find((o) => o.name === 'transfer');
  assert.deepEqual(transfer.params.map((p) => [p.name, p.type]), [['from', 'integer'], ['to', 'integer'], ['amount', 'decimal']]);
  const balance = await db.call('balance', { id: 1n }, { maxAttempts: 1, timeoutMs: 5000 });
  assert.deepEqual(balance.results[0].columns, ['id', 'owner', 'balance', 'version']);
  assert.equal(typeof balance.results[0].rows[0][2], 'string');
  assert.equal(balance.attempts, 1);
  await assert.rejects(db.call('transfer', { from: 1 }),
    (e) => e instanceof txgate.RequestError && e.code === 'BAD_REQUEST' && /to/.test(e.message));
  await assert.rejects(db.call('no_such_operation'), (e) => e instanceof txgate.RequestError && e.code === 'UNKNOWN_OPERATION');
  await assert.rejects(db.call('balance', { id: 1 }, { isolation: 'SERIALIZABLE' }), (e) => e.code === 'BAD_REQUEST');
  // The same account twice: the first step locks one row where two are expected, nothing changes.
  await assert.rejects(db.call('transfer', { from: 1, to: 1, amount: '1.00' }, { requestKey: txgate.newRequestKey() }),
    (e) => e instanceof txgate.ConflictError && e.step === 0);
}));

test('the README example runs as written', { skip }, () => {
  const { execFileSync } = require('node:child_process');
  const fs = require('node:fs');
  const path = require('node:path');
  const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
  const example = readme.split('## Example')[1].match(/```js\n([\s\S]*?)```/)[1];
  // Run from the package's folder, where require('txgate') is the package itself.
  const out = execFileSync(process.execPath, ['-e', example], {
    cwd: path.join(__dirname, '..'),
    env: { ...process.env, TXGATE_PORT: String(PORT) },
    encoding: 'utf8',
  });
  assert.match(out, /CONFLICT 0 no/);
  assert.match(out, /ledger id [1-9][0-9]* 1 false/);
  assert.match(out, /'transfer'/);
  assert.match(out, /big: 9007199254740993n/);
});

test('a pool spreads calls over its connections', { skip }, async () => {
  const pool = new txgate.Pool({ host: HOST, port: PORT, size: 3, clientName: 'node-pool' });
  try {
    const sessions = await Promise.all(Array.from({ length: 3 }, () => pool.execute('SELECT CONNECTION_ID(), SLEEP(0.2)')));
    assert.equal(sessions.length, 3);
    const answers = await Promise.all(Array.from({ length: 60 }, (_, i) => pool.execute('SELECT ?', [i])));
    assert.deepEqual(answers.map((r) => r.scalar()), Array.from({ length: 60 }, (_, i) => i));
  } finally {
    await pool.close();
  }
});

// Every way a running statement is cut short, in one test and all at once: each stop makes the
// server drop that database connection, and nothing after this test borrows a database connection
// (pings only), so that no request races with those drops.
test('timeouts and closing: server TIMEOUT, callTimeoutMs, a pool replacing a closed connection, close()', { skip }, async () => {
  const server = await connect();
  const timedOut = await connect();
  const closing = await connect();
  const pool = new txgate.Pool({ host: HOST, port: PORT, size: 1 });
  try {
    // Each outcome is caught at once: several settle while the test waits for another.
    const settle = (p) => p.then((value) => ({ value }), (error) => ({ error }));
    const serverTimeout = settle(server.execute('SELECT SLEEP(5)', [], { timeoutMs: 200 }));
    const slow = settle(timedOut.execute('SELECT SLEEP(5)', [], { callTimeoutMs: 100 }));
    const behind = settle(timedOut.ping());
    const waiting = settle(closing.execute('SELECT SLEEP(2)'));
    const pooled = settle(pool.execute('SELECT SLEEP(5)', [], { callTimeoutMs: 100 }));
    await closing.close();

    let e = (await waiting).error;
    assert.ok(e instanceof txgate.ConnectionError && e.committed === 'unknown', String(e));
    await assert.rejects(closing.ping(), (x) => x instanceof txgate.ConnectionError && x.committed === 'no');

    e = (await serverTimeout).error;
    assert.ok(e instanceof txgate.TransientError && e.code === 'TIMEOUT' && e.retryable === true
      && e.committed === 'no', String(e));
    assert.equal(await server.ping(), true);

    e = (await slow).error;
    assert.ok(e instanceof txgate.ClientTimeoutError && e.code === 'CLIENT_TIMEOUT' && e.committed === 'unknown', String(e));
    e = (await behind).error;
    assert.ok(e instanceof txgate.ConnectionError && e.committed === 'unknown', String(e));
    assert.equal(timedOut.closed, true);
    await assert.rejects(timedOut.ping(), (x) => x instanceof txgate.ConnectionError && x.committed === 'no');

    e = (await pooled).error;
    assert.ok(e instanceof txgate.ClientTimeoutError, String(e));
    assert.equal(await pool.ping(), true);
  } finally {
    await Promise.all([server.close(), timedOut.close(), closing.close(), pool.close()]);
  }
});
