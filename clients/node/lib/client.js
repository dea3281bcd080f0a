'use strict';

const net = require('node:net');
const tls = require('node:tls');
const { EventEmitter } = require('node:events');
const { LineSplitter } = require('./framing');
const {
  RequestError, ClientTimeoutError, fromServer, connectionError,
} = require('./errors');
const {
  encodeParams, encodeArgs, stringify, decodeValue, decodeInteger,
} = require('./values');

const DEFAULT_HOST = '127.0.0.1';
const DEFAULT_PORT = 7400;
const TX_OPTIONS = ['isolation', 'readOnly', 'requestKey', 'maxAttempts', 'timeoutMs', 'consistency',
  'traceparent'];
const CLIENT_OPTIONS = ['callTimeoutMs'];

/** One statement's result (PROTOCOL.md section 3, execute). */
class Result {
  constructor(r) {
    const types = Array.isArray(r.types) ? r.types : [];
    this.columns = Array.isArray(r.columns) ? r.columns : [];
    this.types = types;
    this.rows = (Array.isArray(r.rows) ? r.rows : [])
      .map((row) => row.map((v, i) => decodeValue(types[i], v)));
    this.affectedRows = r.affectedRows ?? 0;
    this.lastInsertId = decodeInteger(r.lastInsertId ?? 0);
    if (r.attempts !== undefined) this.attempts = r.attempts;
    this.replayed = r.replayed === true;
  }

  /** The rows as objects keyed by column name. */
  objects() {
    return this.rows.map((row) => Object.fromEntries(this.columns.map((c, i) => [c, row[i]])));
  }

  /** The first column of the first row, or null when there is no row. */
  scalar() {
    return this.rows.length > 0 && this.rows[0].length > 0 ? this.rows[0][0] : null;
  }
}

/** The result of a batch or call: one Result per step, in order. */
class BatchResult {
  constructor(r) {
    this.results = (Array.isArray(r.results) ? r.results : []).map((x) => new Result(x));
    this.attempts = r.attempts;
    this.replayed = r.replayed === true;
  }
}

/** Splits call options into request fields and the client-side callTimeoutMs. */
function pickOptions(options, extra = [], tx = true) {
  const fields = {};
  let callTimeoutMs;
  if (options === undefined || options === null) return { fields, callTimeoutMs };
  if (typeof options !== 'object') throw new TypeError('options must be an object');
  for (const [k, v] of Object.entries(options)) {
    if (CLIENT_OPTIONS.includes(k)) {
      callTimeoutMs = v;
    } else if ((tx && TX_OPTIONS.includes(k)) || extra.includes(k)) {
      if (v !== undefined) fields[k] = v;
    } else {
      const known = [...(tx ? TX_OPTIONS : []), ...extra, ...CLIENT_OPTIONS];
      throw new TypeError(`unknown option '${k}' (known: ${known.join(', ')})`);
    }
  }
  return { fields, callTimeoutMs };
}

function step(s, i) {
  const where = `steps[${i}]`;
  if (typeof s === 'string') return { sql: s, params: [] };
  if (Array.isArray(s)) return { sql: s[0], params: encodeParams(s[1], `${where}.params`) };
  if (s && typeof s === 'object') {
    const out = { sql: s.sql, params: encodeParams(s.params, `${where}.params`) };
    if (s.expect !== undefined) out.expect = s.expect;
    return out;
  }
  throw new TypeError(`${where} must be an SQL string, [sql, params] or {sql, params, expect}`);
}

/**
 * One connection to txgate. Calls are pipelined: each is written at once, many may be in flight,
 * and the server answers them in the order they were sent, which is how answers are matched.
 */
class Client extends EventEmitter {
  /** Use connect(); the constructor takes a socket that is already connected. */
  constructor(socket, options = {}) {
    super();
    this._socket = socket;
    this._splitter = new LineSplitter();
    this._queue = [];
    this._nextId = 1;
    this._closed = null;
    this._notice = null;
    this._callTimeoutMs = options.callTimeoutMs;
    this.server = undefined;
    this.session = undefined;
    this.limits = undefined;
    this.identity = undefined;
    socket.setNoDelay(true);
    socket.on('data', (chunk) => this._onData(chunk));
    socket.on('error', (err) => this._fail(`connection failed: ${err.message}`, err));
    socket.on('close', () => this._fail('connection closed by the server'));
  }

  /** true once the connection is closed; every later call fails with a ConnectionError. */
  get closed() {
    return this._closed !== null;
  }

  /** Calls written and not yet answered. */
  get pending() {
    return this._queue.length;
  }

  /**
   * Sends hello. `credentials` ({ token } or { jwt }) authenticates the connection on a server
   * with clients configured; `identity` is then the configured client it authenticated as.
   */
  async hello(clientName, credentials = {}) {
    const body = { op: 'hello', protocol: 1 };
    if (clientName !== undefined) body.client = clientName;
    if (credentials.token !== undefined) body.token = credentials.token;
    if (credentials.jwt !== undefined) body.jwt = credentials.jwt;
    const r = await this._request(body, (x) => x);
    this.server = r.server;
    this.session = r.session;
    this.limits = r.limits;
    this.identity = r.identity;
    return r;
  }

  async ping(options) {
    const { callTimeoutMs } = pickOptions(options, [], false);
    await this._request({ op: 'ping' }, () => true, callTimeoutMs);
    return true;
  }

  async execute(sql, params, options) {
    const { fields, callTimeoutMs } = pickOptions(options, ['expect']);
    const body = { op: 'execute', sql, params: encodeParams(params), ...fields };
    return this._request(body, (r) => new Result(r), callTimeoutMs);
  }

  async batch(steps, options) {
    if (!Array.isArray(steps)) throw new TypeError('steps must be an array');
    const { fields, callTimeoutMs } = pickOptions(options);
    const body = { op: 'batch', steps: steps.map(step), ...fields };
    return this._request(body, (r) => new BatchResult(r), callTimeoutMs);
  }

  async call(name, args, options) {
    const { fields, callTimeoutMs } = pickOptions(options);
    const body = { op: 'call', name, args: encodeArgs(args), ...fields };
    return this._request(body, (r) => new BatchResult(r), callTimeoutMs);
  }

  async operations(options) {
    const { callTimeoutMs } = pickOptions(options, [], false);
    return this._request({ op: 'operations' }, (r) => r.operations, callTimeoutMs);
  }

  /**
   * Sends a request object as it is (an `id` is added) and resolves with the raw `result`.
   * For fields this client does not know yet; values are not converted.
   */
  async request(body, options) {
    const { callTimeoutMs } = pickOptions(options, [], false);
    return this._request({ ...body }, (r) => r, callTimeoutMs);
  }

  /**
   * Closes the connection now. Calls still waiting fail with a ConnectionError whose `committed`
   * is "unknown": they were sent and may have run.
   */
  close() {
    return new Promise((resolve) => {
      if (this._socket.destroyed) {
        this._fail('the client was closed');
        resolve();
        return;
      }
      this._socket.once('close', () => resolve());
      this._fail('the client was closed');
    });
  }

  _request(body, decode, callTimeoutMs = this._callTimeoutMs) {
    if (this._closed !== null) {
      return Promise.reject(connectionError(`the connection is closed (${this._closed})`, false));
    }
    if (callTimeoutMs !== undefined && !(Number.isInteger(callTimeoutMs) && callTimeoutMs >= 1)) {
      return Promise.reject(new TypeError('callTimeoutMs must be an integer >= 1'));
    }
    const id = this._nextId++;
    const text = stringify({ ...body, id });
    const bytes = Buffer.byteLength(text, 'utf8');
    if (this.limits && bytes > this.limits.maxFrameBytes) {
      return Promise.reject(new RequestError('FRAME_TOO_LARGE',
        `the request is ${bytes} bytes, over the server's maxFrameBytes (${this.limits.maxFrameBytes}); it was not sent`,
        { retryable: false, committed: 'no' }));
    }
    return new Promise((resolve, reject) => {
      const entry = { id, resolve, reject, decode, timer: null };
      this._queue.push(entry);
      this._socket.write(`${text}\n`);
      if (callTimeoutMs !== undefined) {
        entry.timer = setTimeout(() => this._timedOut(entry, callTimeoutMs), callTimeoutMs);
      }
    });
  }

  _onData(chunk) {
    for (const line of this._splitter.push(chunk)) {
      if (this._closed !== null) return;
      this._onLine(line);
    }
  }

  _onLine(line) {
    let msg;
    try {
      msg = JSON.parse(line);
    } catch (e) {
      this._fail(`the server sent a line that is not JSON: ${line.slice(0, 200)}`, e);
      return;
    }
    if (msg === null || typeof msg !== 'object') {
      this._fail(`the server sent a line that is not a JSON object: ${line.slice(0, 200)}`);
      return;
    }
    const entry = this._queue[0];
    if (entry === undefined) {
      // An answer to no request: BUSY or UNAVAILABLE on connect, or a frame timeout; the server
      // closes the connection next.
      if (msg.ok === false) this._notice = fromServer(msg.error, msg.id);
      return;
    }
    if (msg.id !== null && msg.id !== entry.id) {
      this._fail(`answer for id ${msg.id} while id ${entry.id} was expected`);
      return;
    }
    this._queue.shift();
    clearTimeout(entry.timer);
    if (msg.ok === true) {
      let value;
      try {
        value = entry.decode(msg.result ?? {});
      } catch (e) {
        entry.reject(e);
        return;
      }
      entry.resolve(value);
    } else {
      entry.reject(fromServer(msg.error, msg.id));
    }
  }

  _timedOut(entry, ms) {
    const i = this._queue.indexOf(entry);
    if (i === -1) return;
    this._queue.splice(i, 1);
    entry.reject(new ClientTimeoutError('CLIENT_TIMEOUT',
      `no answer within ${ms} ms; the connection was closed, so the request may or may not have run`,
      { retryable: true, committed: 'unknown' }));
    this._fail(`closed after a call got no answer within ${ms} ms`);
  }

  _fail(reason, cause) {
    if (this._closed !== null) return;
    const notice = this._notice;
    this._closed = notice ? `${reason}: ${notice.code}: ${notice.message}` : reason;
    this._socket.destroy();
    const queue = this._queue;
    this._queue = [];
    for (const entry of queue) {
      clearTimeout(entry.timer);
      entry.reject(connectionError(this._closed, true, cause || notice || undefined));
    }
    this.emit('close', this._closed);
  }
}

/** The token or JWT of connect's options, checked; never kept on a Client, which may be logged. */
function credentialsOf(options) {
  const credentials = {};
  for (const kind of ['token', 'jwt']) {
    const v = options[kind];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'string' || v === '') throw new TypeError(`${kind} must be a non-empty string`);
    credentials[kind] = v;
  }
  return credentials;
}

/**
 * Connects to txgate and (unless `hello: false`) sends `hello`, which fills in `server`,
 * `session`, `limits` and, with a `token` or `jwt`, `identity`.
 */
function connect(options = {}) {
  let credentials;
  try {
    credentials = credentialsOf(options);
  } catch (e) {
    return Promise.reject(e);
  }
  const host = options.host ?? DEFAULT_HOST;
  const port = options.port ?? DEFAULT_PORT;
  const connectTimeoutMs = options.connectTimeoutMs ?? 10000;
  return new Promise((resolve, reject) => {
    let socket;
    let timer;
    const failed = (err) => {
      clearTimeout(timer);
      socket.destroy();
      reject(connectionError(`cannot connect to txgate at ${host}:${port}: ${err.message}`, false, err));
    };
    const ready = () => {
      clearTimeout(timer);
      socket.removeListener('error', failed);
      resolve(new Client(socket, options));
    };
    if (options.tls) {
      const tlsOptions = typeof options.tls === 'object' ? options.tls : {};
      socket = tls.connect({ host, port, servername: net.isIP(host) ? undefined : host, ...tlsOptions }, ready);
    } else {
      socket = net.connect({ host, port }, ready);
    }
    socket.once('error', failed);
    timer = setTimeout(() => failed(new Error(`no connection within ${connectTimeoutMs} ms`)), connectTimeoutMs);
  }).then(async (client) => {
    if (options.hello !== false) {
      try {
        await client.hello(options.clientName, credentials);
      } catch (e) {
        await client.close();
        throw e;
      }
    }
    return client;
  });
}

module.exports = {
  Client, Result, BatchResult, connect, DEFAULT_HOST, DEFAULT_PORT,
};
