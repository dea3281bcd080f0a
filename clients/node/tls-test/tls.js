'use strict';

// The Node.js client over TLS, against a real txgate with TLS on its protocol port. Run by the
// server's ClientsTlsTest (`node --test tls-test/tls.js`), which makes the certificates and starts
// two TLS servers; it sets TXGATE_TEST_TLS_PORT (TLS, asking for a client certificate from
// TXGATE_TEST_TLS_CA), TXGATE_TEST_TLS_ADMIN_URL (its console), TXGATE_TEST_TLS_CA,
// TXGATE_TEST_TLS_CERT and TXGATE_TEST_TLS_KEY (a client certificate CN=app-1),
// TXGATE_TEST_TLS_OTHER_CA (signed neither server) and TXGATE_TEST_TLS_WRONG_NAME_PORT (a
// certificate from the same CA for another host name). Kept out of test/ so that the plaintext
// suite never reports it as skipped.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const http = require('node:http');
const txgate = require('..');

const env = process.env;
const HOST = env.TXGATE_TEST_HOST || '127.0.0.1';
const PORT = env.TXGATE_TEST_TLS_PORT ? Number(env.TXGATE_TEST_TLS_PORT) : undefined;
const skip = PORT === undefined ? 'TXGATE_TEST_TLS_PORT is not set: run through ClientsTlsTest' : false;
const read = (name) => fs.readFileSync(env[name]);

function sessions() {
  return new Promise((resolve, reject) => {
    http.get(`${env.TXGATE_TEST_TLS_ADMIN_URL}/api/sessions`, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => { body += chunk; });
      res.on('end', () => resolve(JSON.parse(body)));
    }).on('error', reject);
  });
}

test('connects with the CA and runs a statement', { skip }, async () => {
  const db = await txgate.connect({ host: HOST, port: PORT, tls: { ca: read('TXGATE_TEST_TLS_CA') } });
  try {
    assert.equal((await db.execute('SELECT 1 + 1')).scalar(), 2);
  } finally {
    await db.close();
  }
});

test('a client certificate names the session (tlsSubject)', { skip }, async () => {
  const db = await txgate.connect({
    host: HOST, port: PORT, clientName: 'node-mtls',
    tls: { ca: read('TXGATE_TEST_TLS_CA'), cert: read('TXGATE_TEST_TLS_CERT'), key: read('TXGATE_TEST_TLS_KEY') },
  });
  try {
    const mine = (await sessions()).filter((s) => s.client === 'node-mtls');
    assert.deepEqual(mine.map((s) => s.tlsSubject), ['app-1']);
  } finally {
    await db.close();
  }
});

test('a server certificate from another CA is refused', { skip }, async () => {
  await assert.rejects(txgate.connect({ host: HOST, port: PORT, tls: { ca: read('TXGATE_TEST_TLS_OTHER_CA') } }),
    (e) => e instanceof txgate.ConnectionError && e.committed === 'no' && /certificate/i.test(e.message));
});

test('a certificate for another host name is refused', { skip }, async () => {
  const port = Number(env.TXGATE_TEST_TLS_WRONG_NAME_PORT);
  await assert.rejects(txgate.connect({ host: HOST, port, tls: { ca: read('TXGATE_TEST_TLS_CA') } }),
    (e) => e instanceof txgate.ConnectionError && /IP: 127\.0\.0\.1 is not in the cert's list/.test(e.message));
});

test('plaintext on the TLS port gets no answer', { skip }, async () => {
  await assert.rejects(txgate.connect({ host: HOST, port: PORT }), (e) => e instanceof txgate.ConnectionError);
});
