'use strict';

const crypto = require('node:crypto');
const { TxgateError } = require('./errors');

/** A fresh requestKey (PROTOCOL.md section 5.2): a random UUID. */
function newRequestKey() {
  return crypto.randomUUID();
}

/**
 * Whether an error may be answered by sending the same request again with the same requestKey:
 * a retryable error (nothing committed), COMMIT_UNKNOWN, or a lost connection (the key makes the
 * work happen once: a committed first attempt is answered from its stored result).
 */
function isRetrySafe(err) {
  return err instanceof TxgateError && (err.retryable || err.committed === 'unknown');
}

function sleep(ms) {
  return new Promise((resolve) => { setTimeout(resolve, ms); });
}

/**
 * Runs `fn(requestKey, attempt)` until it succeeds, fails with an error that is not safe to retry,
 * or `attempts` runs out. Every run gets the same requestKey, so `fn` must send it with its request:
 *
 *   await withRetry((key) => pool.call('transfer', args, { requestKey: key }));
 *
 * Between runs it waits a random time up to min(maxMs, baseMs * 2^(n-1)) (full jitter). With a
 * Client, a lost connection stays lost: use a Pool, which opens a new one for the next run.
 */
async function withRetry(fn, options = {}) {
  const attempts = options.attempts ?? 5;
  const baseMs = options.baseMs ?? 50;
  const maxMs = options.maxMs ?? 2000;
  const key = options.requestKey ?? newRequestKey();
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(key, attempt);
    } catch (err) {
      if (attempt >= attempts || !isRetrySafe(err)) throw err;
      const cap = Math.min(maxMs, baseMs * 2 ** (attempt - 1));
      await sleep(1 + Math.floor(Math.random() * cap));
    }
  }
}

module.exports = { newRequestKey, withRetry, isRetrySafe };
