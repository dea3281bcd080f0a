'use strict';

const { connect } = require('./client');
const { connectionError } = require('./errors');

/**
 * Up to `size` connections, opened when needed. Each call goes to an idle connection, else opens a
 * new one while fewer than `size` are open, else is pipelined on the least busy one. A connection
 * that closed (a call timed out, the server went away) is replaced by the next call that needs it.
 */
class Pool {
  constructor(options = {}) {
    const { size = 4, ...connectOptions } = options;
    if (!Number.isInteger(size) || size < 1) throw new TypeError('size must be an integer >= 1');
    this.size = size;
    // A closure rather than a property: the options may hold a token or JWT, and a pool printed
    // with console.log or util.inspect must not show it. Every new connection authenticates.
    this._connect = () => connect(connectOptions);
    this._slots = new Array(size).fill(null);
    this._closed = false;
  }

  /** A connected client for one call. */
  async acquire() {
    if (this._closed) {
      throw connectionError('the pool is closed', false);
    }
    let best = -1;
    let empty = -1;
    for (let i = 0; i < this._slots.length; i++) {
      const slot = this._slots[i];
      if (slot === null || (slot.client && slot.client.closed)) {
        if (empty === -1) empty = i;
      } else if (slot.client && slot.client.pending === 0) {
        return slot.client;
      } else if (best === -1 || load(slot) < load(this._slots[best])) {
        best = i;
      }
    }
    if (empty !== -1) return this._open(empty);
    const slot = this._slots[best];
    if (slot.client) return slot.client;
    slot.waiting++;
    return slot.connecting;
  }

  _open(i) {
    const slot = { client: null, connecting: null, waiting: 1 };
    slot.connecting = this._connect().then((client) => {
      slot.client = client;
      if (this._closed) client.close();
      return client;
    }, (err) => {
      if (this._slots[i] === slot) this._slots[i] = null;
      throw err;
    });
    this._slots[i] = slot;
    return slot.connecting;
  }

  async ping(...a) { return (await this.acquire()).ping(...a); }

  async execute(...a) { return (await this.acquire()).execute(...a); }

  async batch(...a) { return (await this.acquire()).batch(...a); }

  async call(...a) { return (await this.acquire()).call(...a); }

  async operations(...a) { return (await this.acquire()).operations(...a); }

  async request(...a) { return (await this.acquire()).request(...a); }

  /** Closes every connection; calls still waiting fail with a ConnectionError. */
  async close() {
    this._closed = true;
    const slots = this._slots;
    this._slots = new Array(this.size).fill(null);
    await Promise.all(slots.filter((s) => s !== null).map((s) => s.connecting.then(
      (c) => c.close(), () => undefined,
    )));
  }
}

/** Calls on a connection, or waiting for it to open. */
function load(slot) {
  return slot.client ? slot.client.pending : slot.waiting;
}

module.exports = { Pool };
