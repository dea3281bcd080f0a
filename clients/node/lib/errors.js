'use strict';

/**
 * The error model (PROTOCOL.md section 6, "What an error says about the data"): every failure is a
 * TxgateError with `code`, `retryable` (as the server sent it) and `committed` ("no", "unknown" or
 * "yes"), and a subclass per family of codes.
 */
class TxgateError extends Error {
  /**
   * @param {string} code
   * @param {string} message
   * @param {object} [details] retryable, committed, sqlState, vendorCode, step, ref, id, cause
   */
  constructor(code, message, details = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.code = code;
    this.retryable = details.retryable === true;
    this.committed = details.committed || (code === 'COMMIT_UNKNOWN' ? 'unknown' : 'no');
    if (details.sqlState !== undefined) this.sqlState = details.sqlState;
    if (details.vendorCode !== undefined) this.vendorCode = details.vendorCode;
    if (details.step !== undefined) this.step = details.step;
    if (details.ref !== undefined) this.ref = details.ref;
    if (details.id !== undefined) this.id = details.id;
  }
}

/** The request itself was refused: BAD_REQUEST, FRAME_TOO_LARGE, UNKNOWN_OPERATION, FORBIDDEN, UNAUTHENTICATED. */
class RequestError extends TxgateError {}

/** The database rejected a statement (SQL_ERROR), or a result was too large (RESULT_TOO_LARGE). */
class SqlError extends TxgateError {}

/** A statement missed its `expect` (CONFLICT); `step` names it. */
class ConflictError extends TxgateError {}

/** Nothing was committed and sending again may succeed: UNAVAILABLE, BUSY, TIMEOUT, RETRIES_EXHAUSTED. */
class TransientError extends TxgateError {}

/** COMMIT_UNKNOWN: the transaction may or may not have committed. */
class CommitUnknownError extends TxgateError {}

/** INTERNAL: a bug in the server; `ref` is the correlation id in its log. */
class InternalError extends TxgateError {}

/**
 * The connection to txgate failed or was closed (code "CONNECTION"). `committed` is "unknown" when
 * the request had been sent, "no" when it never left this process.
 */
class ConnectionError extends TxgateError {}

/**
 * The call's client-side deadline (`callTimeoutMs`) passed before its answer came (code
 * "CLIENT_TIMEOUT"). The connection is closed at once, so that the late answer can never be read
 * as another call's; the request had been sent, so `committed` is "unknown".
 */
class ClientTimeoutError extends ConnectionError {}

const FAMILIES = {
  BAD_REQUEST: RequestError,
  FRAME_TOO_LARGE: RequestError,
  UNKNOWN_OPERATION: RequestError,
  FORBIDDEN: RequestError,
  UNAUTHENTICATED: RequestError,
  SQL_ERROR: SqlError,
  RESULT_TOO_LARGE: SqlError,
  CONFLICT: ConflictError,
  UNAVAILABLE: TransientError,
  BUSY: TransientError,
  TIMEOUT: TransientError,
  RETRIES_EXHAUSTED: TransientError,
  COMMIT_UNKNOWN: CommitUnknownError,
  INTERNAL: InternalError,
};

/** The error for a response's `error` object. */
function fromServer(error, id) {
  const e = error && typeof error === 'object' ? error : {};
  const code = typeof e.code === 'string' ? e.code : 'INTERNAL';
  const Cls = FAMILIES[code] || TxgateError;
  return new Cls(code, typeof e.message === 'string' ? e.message : code, {
    retryable: e.retryable === true,
    committed: code === 'COMMIT_UNKNOWN' ? 'unknown' : 'no',
    sqlState: e.sqlState,
    vendorCode: e.vendorCode,
    step: e.step,
    ref: e.ref,
    id: id === null ? undefined : id,
  });
}

/** A connection error for a request that was (`sent`) or was not yet written to the socket. */
function connectionError(message, sent, cause) {
  return new ConnectionError('CONNECTION', message, {
    retryable: true,
    committed: sent ? 'unknown' : 'no',
    cause,
  });
}

module.exports = {
  TxgateError,
  RequestError,
  SqlError,
  ConflictError,
  TransientError,
  CommitUnknownError,
  InternalError,
  ConnectionError,
  ClientTimeoutError,
  FAMILIES,
  fromServer,
  connectionError,
};
