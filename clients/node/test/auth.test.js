'use strict';

// Authentication with a token or a JWT. The first tests need no server. Against a real txgate
// (TXGATE_TEST_HOST / TXGATE_TEST_PORT):
// - with TXGATE_TEST_AUTH_CLIENT, TXGATE_TEST_AUTH_TOKEN, TXGATE_TEST_AUTH_JWT and
//   TXGATE_TEST_AUTH_JWT_CLIENT set, the server has clients configured (ClientAuthSuitesTest starts
//   one): the token and the JWT are accepted, a wrong token is refused, a pool's new connections
//   authenticate again, and the secret shows nowhere;
// - without them, the server has no clients (NodeClientTest): it ignores a credential.
// Only the tests that fit the server are defined, so that neither run reports skipped tests.

const test = require('node:test');
const assert = require('node:assert/strict');
const util = require('node:util');
const txgate = require('..');

const HOST = process.env.TXGATE_TEST_HOST || '127.0.0.1';
const PORT = process.env.TXGATE_TEST_PORT ? Number(process.env.TXGATE_TEST_PORT) : undefined;
const CLIENT = process.env.TXGATE_TEST_AUTH_CLIENT;
const TOKEN = process.env.TXGATE_TEST_AUTH_TOKEN;
const JWT = process.env.TXGATE_TEST_AUTH_JWT;
const JWT_CLIENT = process.env.TXGATE_TEST_AUTH_JWT_CLIENT;
const WRONG_TOKEN = 'wrong-5d81c2-not-the-token';

test('a token or jwt that is not a non-empty string is refused before connecting', async () => {
  for (const bad of [{ token: 42 }, { token: '' }, { jwt: { sub: 'x' } }]) {
    await assert.rejects(txgate.connect({ host: '127.0.0.1', port: 1, ...bad }), TypeError);
  }
});

test('a pool shown by util.inspect does not show its token', () => {
  const pool = new txgate.Pool({ port: 1, clientName: 'billing', token: 's3cret-pool-t0ken' });
  assert.doesNotMatch(util.inspect(pool, { showHidden: true, depth: 10 }), /s3cret/);
});

if (PORT !== undefined && TOKEN !== undefined) {
  const connect = (extra) => txgate.connect({ host: HOST, port: PORT, ...extra });

  const assertRefused = (err, secret) => {
    assert.ok(err instanceof txgate.RequestError, String(err));
    assert.equal(err.code, 'UNAUTHENTICATED');
    assert.equal(err.committed, 'no');
    assert.equal(err.retryable, false);
    assert.doesNotMatch(`${err.message} ${err.stack} ${util.inspect(err)}`, new RegExp(secret));
    return true;
  };

  test('the right token authenticates its client', async () => {
    const db = await connect({ clientName: CLIENT, token: TOKEN });
    try {
      assert.equal(db.identity, CLIENT);
      assert.equal((await db.execute('SELECT 1 AS one')).scalar(), 1);
      assert.doesNotMatch(util.inspect(db, { showHidden: true, depth: 10 }), new RegExp(TOKEN));
    } finally {
      await db.close();
    }
  });

  test('a wrong token is refused as UNAUTHENTICATED with committed "no"', async () => {
    await assert.rejects(connect({ clientName: CLIENT, token: WRONG_TOKEN }), (e) => assertRefused(e, WRONG_TOKEN));
  });

  test('no credential is refused', async () => {
    await assert.rejects(connect({ clientName: CLIENT }), (e) => e.code === 'UNAUTHENTICATED');
  });

  test('the jwt authenticates its subject', async () => {
    const db = await connect({ jwt: JWT });
    try {
      assert.equal(db.identity, JWT_CLIENT);
      assert.equal((await db.execute('SELECT 2')).scalar(), 2);
    } finally {
      await db.close();
    }
  });

  test('a pool authenticates every new connection, also one that replaces a closed one', async () => {
    const pool = new txgate.Pool({ host: HOST, port: PORT, size: 1, clientName: CLIENT, token: TOKEN });
    try {
      const first = await pool.acquire();
      assert.equal(first.identity, CLIENT);
      await first.close();
      assert.equal((await pool.execute('SELECT 3')).scalar(), 3);
      const second = await pool.acquire();
      assert.notEqual(second, first);
      assert.notEqual(second.session, first.session);
      assert.equal(second.identity, CLIENT);
    } finally {
      await pool.close();
    }
  });

  test('a pool with a wrong token fails each call as UNAUTHENTICATED', async () => {
    const pool = new txgate.Pool({ host: HOST, port: PORT, size: 1, clientName: CLIENT, token: WRONG_TOKEN });
    try {
      await assert.rejects(pool.ping(), (e) => assertRefused(e, WRONG_TOKEN));
    } finally {
      await pool.close();
    }
  });
} else if (PORT !== undefined) {
  test('a server without clients ignores a token or jwt and names no identity', async () => {
    for (const credential of [{ token: 'any-token' }, { jwt: 'not.a.jwt' }]) {
      const db = await txgate.connect({ host: HOST, port: PORT, clientName: 'node-tests', ...credential });
      try {
        assert.equal(db.identity, undefined);
        assert.equal(await db.ping(), true);
      } finally {
        await db.close();
      }
    }
  });
}
