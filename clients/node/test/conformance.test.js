'use strict';

// The conformance vectors of clients/conformance (format: clients/conformance/README.md) against a
// real txgate: each wire request sent raw on a socket of its own, and each client call a vector
// describes made through this client, its answer compared in JavaScript's own types. The server's
// address comes from TXGATE_TEST_HOST / TXGATE_TEST_PORT (set by NodeClientTest).

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const crypto = require('node:crypto');
const txgate = require('..');

const HOST = process.env.TXGATE_TEST_HOST || '127.0.0.1';
const PORT = process.env.TXGATE_TEST_PORT ? Number(process.env.TXGATE_TEST_PORT) : undefined;
const skip = PORT === undefined ? 'TXGATE_TEST_PORT is not set: run through NodeClientTest' : false;
const DIR = path.join(__dirname, '..', '..', 'conformance');
const MATCHERS = new Set(['$any', '$gte', '$regex', '$oneOf', '$superset', '$includes']);

/** JSON.parse, but an integer of 16 or more digits outside a string becomes a BigInt, exactly. */
function parseExact(text) {
  const marked = text.replace(/"(?:[^"\\]|\\.)*"|-?\d{16,}(?![\d.eE])/g,
    (m) => (m.startsWith('"') ? m : `"\\u0000big:${m}"`));
  return JSON.parse(marked, (k, v) => (typeof v === 'string' && v.startsWith('\u0000big:') ? BigInt(v.slice(5)) : v));
}

function load() {
  const out = [];
  for (const file of fs.readdirSync(DIR).filter((f) => f.endsWith('.json')).sort()) {
    const doc = parseExact(fs.readFileSync(path.join(DIR, file), 'utf8'));
    for (const v of doc.vectors) out.push([`${doc.area}/${v.name}`, v]);
  }
  return out;
}

function withKey(v, key) {
  if (typeof v === 'string') return v.replaceAll('{{key}}', key);
  if (Array.isArray(v)) return v.map((x) => withKey(x, key));
  if (v && typeof v === 'object' && typeof v !== 'bigint') {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, withKey(x, key)]));
  }
  return v;
}

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const isNumber = (v) => typeof v === 'number' || typeof v === 'bigint';

/** README, "Matching": [] when actual matches expected. */
function mismatches(expected, actual, at = '$') {
  if (isObject(expected) && Object.keys(expected).length === 1 && MATCHERS.has(Object.keys(expected)[0])) {
    const [name, arg] = Object.entries(expected)[0];
    if (name === '$superset') {
      if (!isObject(actual)) return [`${at}: expected an object, got ${show(actual)}`];
      return Object.entries(arg).flatMap(([k, x]) => (k in actual ? mismatches(x, actual[k], `${at}.${k}`)
        : [`${at}: missing field '${k}'`]));
    }
    const ok = {
      $any: () => arg === 'any' || (arg === 'null' && actual === null) || (arg === 'number' && isNumber(actual))
        || (arg === 'integer' && (typeof actual === 'bigint' || Number.isInteger(actual)))
        || (arg === 'string' && typeof actual === 'string') || (arg === 'boolean' && typeof actual === 'boolean')
        || (arg === 'object' && isObject(actual)) || (arg === 'array' && Array.isArray(actual)),
      $gte: () => isNumber(actual) && actual >= arg,
      $regex: () => typeof actual === 'string' && new RegExp(arg, 'u').test(actual),
      $oneOf: () => arg.some((x) => mismatches(x, actual).length === 0),
      $includes: () => Array.isArray(actual) && arg.every((x) => actual.some((y) => mismatches(x, y).length === 0)),
    }[name]();
    return ok ? [] : [`${at}: expected ${show(expected)}, got ${show(actual)}`];
  }
  if (isObject(expected)) {
    if (!isObject(actual)) return [`${at}: expected an object, got ${show(actual)}`];
    return [
      ...Object.keys(actual).filter((k) => !(k in expected)).map((k) => `${at}: unexpected field '${k}'`),
      ...Object.entries(expected).flatMap(([k, x]) => (k in actual ? mismatches(x, actual[k], `${at}.${k}`)
        : [`${at}: missing field '${k}'`])),
    ];
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) {
      return [`${at}: expected ${show(expected)}, got ${show(actual)}`];
    }
    return expected.flatMap((x, i) => mismatches(x, actual[i], `${at}[${i}]`));
  }
  // eslint-disable-next-line eqeqeq
  const same = isNumber(expected) && isNumber(actual) ? expected == actual : expected === actual;
  return same ? [] : [`${at}: expected ${show(expected)}, got ${show(actual)}`];
}

function show(v) {
  return JSON.stringify(v, (k, x) => (typeof x === 'bigint' ? `${x}n` : x));
}

/** README, "Typed values": a typed value as the JavaScript value this client sends and returns. */
function native(t) {
  if (Array.isArray(t)) return t.map(native);
  if (typeof t === 'bigint') return t;
  if (!isObject(t) || Object.keys(t).length !== 1) return t;
  const [k, x] = Object.entries(t)[0];
  if (k === '$int') {
    const n = BigInt(x);
    return n >= -BigInt(Number.MAX_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
  }
  if (k === '$bytes') return Buffer.from(x, 'base64');
  if (['$decimal', '$date', '$datetime', '$time'].includes(k)) return x;
  return t;
}

function checkResult(expected, result, where) {
  for (const [k, x] of Object.entries(expected)) {
    if (k === 'results') {
      assert.equal(result.results.length, x.length, where);
      x.forEach((e, i) => checkResult(e, result.results[i], `${where} results[${i}]`));
    } else {
      assert.deepStrictEqual(result[k], native(x), `${where} ${k}`);
    }
  }
}

function exchange(frames) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(PORT, HOST);
    const answers = [];
    let buffered = '';
    socket.setEncoding('utf8');
    socket.on('error', reject);
    socket.on('data', (chunk) => {
      buffered += chunk;
      let nl;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        answers.push(buffered.slice(0, nl));
        buffered = buffered.slice(nl + 1);
        if (answers.length < frames.length) socket.write(`${frames[answers.length]}\n`);
        else { socket.end(); resolve(answers); }
      }
    });
    socket.on('connect', () => socket.write(`${frames[0]}\n`));
  });
}

function stringify(v) {
  return JSON.stringify(v, (k, x) => (typeof x === 'bigint' ? `\u0000big:${x}` : x))
    .replace(/"\\u0000big:(-?\d+)"/g, '$1');
}

const vectors = load().filter(([, v]) => v.knownDefect === undefined);

function runnable(v, limits) {
  const req = v.requires || {};
  return Object.entries(req).every(([k, x]) => (k === 'allowRawSql' ? x : limits[k] === x));
}

test('conformance vectors, sent raw', { skip }, async () => {
  const db = await txgate.connect({ host: HOST, port: PORT });
  const { limits } = db;
  await db.close();
  let ran = 0;
  for (const [name, vector] of vectors) {
    if (!runnable(vector, limits)) continue;
    const v = withKey(vector, crypto.randomUUID().replaceAll('-', ''));
    const steps = v.exchange || [v];
    const answers = await exchange(steps.map((x) => x.frame ?? stringify(x.request)));
    steps.forEach((x, i) => {
      const answer = parseExact(answers[i]);
      assert.deepEqual(mismatches(x.response, answer), [], `${name}: ${answers[i]}`);
    });
    ran += 1;
  }
  assert.ok(ran > 100, `${ran} vectors ran`);
});

const OPTION_NAMES = ['isolation', 'readOnly', 'requestKey', 'maxAttempts', 'timeoutMs', 'consistency', 'traceparent'];

test('conformance vectors, as client calls', { skip }, async () => {
  const db = await txgate.connect({ host: HOST, port: PORT, clientName: 'node-conformance' });
  let ran = 0;
  try {
    for (const [name, vector] of vectors) {
      if (vector.client === undefined || !runnable(vector, db.limits)) continue;
      const c = withKey(vector.client, crypto.randomUUID().replaceAll('-', ''));
      const options = Object.fromEntries(Object.entries(c.options || {}).filter(([k]) => OPTION_NAMES.includes(k)));
      const run = () => {
        switch (c.call) {
          case 'execute': return db.execute(c.sql, native(c.params || []), { ...options, ...(c.expect ? { expect: c.expect } : {}) });
          case 'batch': return db.batch(c.steps.map((s) => ({ ...s, params: native(s.params || []) })), options);
          case 'call': return db.call(c.name, Object.fromEntries(Object.entries(c.args || {}).map(([k, x]) => [k, native(x)])), options);
          case 'ping': return db.ping();
          case 'operations': return db.operations();
          case 'hello': return db.hello('node-conformance');
          default: throw new Error(`unknown call ${c.call}`);
        }
      };
      if (c.raises) {
        await assert.rejects(run(), (e) => {
          assert.ok(e instanceof txgate.TxgateError, name);
          const got = Object.fromEntries(Object.keys(c.raises).map((k) => [k, e[k]]));
          assert.deepStrictEqual(got, c.raises, name);
          return true;
        }, name);
      } else {
        for (let i = 1; i < (c.repeat || 1); i += 1) await run();
        const out = await run();
        if (c.call === 'operations') assert.deepEqual(mismatches(c.returns, out), [], name);
        else if (['execute', 'batch', 'call'].includes(c.call)) checkResult(c.returns, out, name);
        else if (c.call === 'hello') assert.deepEqual(mismatches({ $superset: c.returns }, out), [], name);
        else assert.ok(out, name);
      }
      ran += 1;
    }
  } finally {
    await db.close();
  }
  assert.ok(ran > 40, `${ran} client calls ran`);
});
