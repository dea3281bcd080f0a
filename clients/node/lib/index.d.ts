/// <reference types="node" />
import { EventEmitter } from 'node:events';
import type { ConnectionOptions as TlsConnectionOptions } from 'node:tls';

/** The package version (from package.json). */
export const VERSION: string;

export type Isolation = 'READ_UNCOMMITTED' | 'READ_COMMITTED' | 'REPEATABLE_READ' | 'SERIALIZABLE';

/** A value sent as a parameter or named-operation argument. */
export type Param =
  | string
  | number
  | bigint
  | boolean
  | null
  | undefined
  | Date
  | Uint8Array
  | ArrayBuffer
  | { $base64: string };

/**
 * A value in a result row: number or bigint (integer; bigint beyond 2^53), string (decimal,
 * string, date, datetime, time, json, geometry), number (float), Buffer (binary) or null.
 */
export type Value = number | bigint | string | Buffer | null;

export interface Expect {
  affectedRows?: number;
  rowCount?: number;
}

/** Options every call takes. */
export interface CallOptions {
  /** Client-side deadline: no answer within it rejects with ClientTimeoutError and closes the connection. */
  callTimeoutMs?: number;
}

/** PROTOCOL.md section 3.5, sent to the server. */
export interface TxOptions extends CallOptions {
  isolation?: Isolation;
  readOnly?: boolean;
  /** 1-64 characters; see newRequestKey() and withRetry(). */
  requestKey?: string;
  maxAttempts?: number;
  /** The server-side deadline, in ms (TIMEOUT past it). */
  timeoutMs?: number;
  /** 'primary': a readOnly request is never answered by a read replica; 'any' (default): it may be. */
  consistency?: 'any' | 'primary';
  /** The caller's W3C trace context ('00-<trace id>-<span id>-<flags>'): the request's spans join that trace. */
  traceparent?: string;
}

export interface ExecuteOptions extends TxOptions {
  expect?: Expect;
}

export type Step =
  | string
  | [sql: string, params?: Param[]]
  | { sql: string; params?: Param[]; expect?: Expect };

export interface Limits {
  maxFrameBytes: number;
  maxBatchSteps: number;
  maxParams: number;
  maxResultRows: number;
  [name: string]: number;
}

export interface HelloResult {
  server: string;
  session: string;
  protocol: number;
  limits: Limits;
  /** The configured client the connection authenticated as; absent on a server without clients. */
  identity?: string;
}

export interface OperationParam {
  name: string;
  type: 'integer' | 'decimal' | 'number' | 'string' | 'boolean' | 'date' | 'datetime' | 'binary';
  required: boolean;
  description?: string;
  default?: unknown;
}

export interface Operation {
  name: string;
  description: string;
  params: OperationParam[];
  readOnly: boolean;
  steps: number;
  isolation?: Isolation;
}

export class Result {
  columns: string[];
  types: string[];
  rows: Value[][];
  affectedRows: number;
  /** A number, or a bigint beyond 2^53. */
  lastInsertId: number | bigint;
  attempts?: number;
  /** true when a requestKey's stored answer was returned instead of running again. */
  replayed: boolean;
  /** The rows as objects keyed by column name. */
  objects(): Array<Record<string, Value>>;
  /** The first column of the first row, or null. */
  scalar(): Value;
}

export class BatchResult {
  results: Result[];
  attempts: number;
  replayed: boolean;
}

export interface ConnectOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 7400. */
  port?: number;
  /**
   * true, or tls.connect options, to connect over TLS (txgate with protocol.tls.*, or a proxy):
   * `{ ca, cert, key }` (PEM contents) give the authority to trust and a client certificate. The
   * server's certificate must name `host`.
   */
  tls?: boolean | TlsConnectionOptions;
  /** Shown to operators (hello's `client`); with a token, the configured client's name. */
  clientName?: string;
  /** The secret token of the configured client named by clientName, on a server with clients configured. */
  token?: string;
  /** A JWT whose `sub` names the client, on a server with clients configured. */
  jwt?: string;
  /** false: do not send hello on connect. Default true. */
  hello?: boolean;
  /** Default 10000. */
  connectTimeoutMs?: number;
  /** The default client-side deadline of every call; none by default. */
  callTimeoutMs?: number;
}

export interface PoolOptions extends ConnectOptions {
  /** Connections at most; default 4. */
  size?: number;
}

/** The calls a Client and a Pool have in common. */
export interface Queryable {
  ping(options?: CallOptions): Promise<true>;
  execute(sql: string, params?: Param[], options?: ExecuteOptions): Promise<Result>;
  batch(steps: Step[], options?: TxOptions): Promise<BatchResult>;
  call(name: string, args?: Record<string, Param>, options?: TxOptions): Promise<BatchResult>;
  operations(options?: CallOptions): Promise<Operation[]>;
  /** Sends a request object as it is (an id is added); resolves with the raw result. */
  request(body: Record<string, unknown>, options?: CallOptions): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

/** One connection; calls are pipelined and answered in order. Emits 'close' (reason: string). */
export class Client extends EventEmitter implements Queryable {
  private constructor();
  readonly closed: boolean;
  /** Calls sent and not yet answered. */
  readonly pending: number;
  server?: string;
  session?: string;
  limits?: Limits;
  /** The configured client this connection authenticated as; undefined on a server without clients. */
  identity?: string;
  hello(clientName?: string, credentials?: { token?: string; jwt?: string }): Promise<HelloResult>;
  ping(options?: CallOptions): Promise<true>;
  execute(sql: string, params?: Param[], options?: ExecuteOptions): Promise<Result>;
  batch(steps: Step[], options?: TxOptions): Promise<BatchResult>;
  call(name: string, args?: Record<string, Param>, options?: TxOptions): Promise<BatchResult>;
  operations(options?: CallOptions): Promise<Operation[]>;
  request(body: Record<string, unknown>, options?: CallOptions): Promise<Record<string, unknown>>;
  /** Closes now; calls still waiting fail with ConnectionError (committed "unknown"). */
  close(): Promise<void>;
}

export function connect(options?: ConnectOptions): Promise<Client>;

/** Up to `size` connections, opened when needed; a closed one is replaced by the next call. */
export class Pool implements Queryable {
  constructor(options?: PoolOptions);
  readonly size: number;
  acquire(): Promise<Client>;
  ping(options?: CallOptions): Promise<true>;
  execute(sql: string, params?: Param[], options?: ExecuteOptions): Promise<Result>;
  batch(steps: Step[], options?: TxOptions): Promise<BatchResult>;
  call(name: string, args?: Record<string, Param>, options?: TxOptions): Promise<BatchResult>;
  operations(options?: CallOptions): Promise<Operation[]>;
  request(body: Record<string, unknown>, options?: CallOptions): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

export type Committed = 'no' | 'unknown' | 'yes';

export type ErrorCode =
  | 'BAD_REQUEST' | 'FRAME_TOO_LARGE' | 'UNKNOWN_OPERATION' | 'FORBIDDEN' | 'UNAUTHENTICATED'
  | 'SQL_ERROR' | 'RESULT_TOO_LARGE' | 'CONFLICT'
  | 'UNAVAILABLE' | 'BUSY' | 'TIMEOUT' | 'RETRIES_EXHAUSTED'
  | 'COMMIT_UNKNOWN' | 'INTERNAL'
  | 'CONNECTION' | 'CLIENT_TIMEOUT';

export interface ErrorDetails {
  retryable?: boolean;
  committed?: Committed;
  sqlState?: string;
  vendorCode?: number;
  step?: number;
  ref?: string;
  id?: number | string;
  cause?: unknown;
}

export class TxgateError extends Error {
  constructor(code: string, message: string, details?: ErrorDetails);
  /** An ErrorCode, or a code from a newer server. */
  code: ErrorCode | (string & {});
  /** Whether sending the same request again may succeed (as the server said). */
  retryable: boolean;
  /** Whether the request's transaction committed. */
  committed: Committed;
  sqlState?: string;
  vendorCode?: number;
  /** The failing step of a batch or call, from 0. */
  step?: number;
  /** INTERNAL only: the correlation id in the server's log. */
  ref?: string;
  /** The request's id. */
  id?: number | string;
}
/** BAD_REQUEST, FRAME_TOO_LARGE, UNKNOWN_OPERATION, FORBIDDEN, UNAUTHENTICATED: nothing ran. */
export class RequestError extends TxgateError {}
/** SQL_ERROR, RESULT_TOO_LARGE: rolled back. */
export class SqlError extends TxgateError {}
/** CONFLICT: an expectation was missed; rolled back. */
export class ConflictError extends TxgateError {}
/** UNAVAILABLE, BUSY, TIMEOUT, RETRIES_EXHAUSTED: nothing committed; retryable. */
export class TransientError extends TxgateError {}
/** COMMIT_UNKNOWN: committed "unknown". */
export class CommitUnknownError extends TxgateError {}
/** INTERNAL: rolled back; report `ref`. */
export class InternalError extends TxgateError {}
/** CONNECTION: committed "unknown" if the request was sent, else "no". */
export class ConnectionError extends TxgateError {}
/** CLIENT_TIMEOUT: callTimeoutMs passed; the connection was closed; committed "unknown". */
export class ClientTimeoutError extends ConnectionError {}

/** A fresh requestKey (a random UUID). */
export function newRequestKey(): string;

/** Whether a resend with the same requestKey is safe and may succeed. */
export function isRetrySafe(err: unknown): boolean;

export interface RetryOptions {
  /** Runs at most; default 5. */
  attempts?: number;
  /** Default 50. */
  baseMs?: number;
  /** Default 2000. */
  maxMs?: number;
  /** Default: newRequestKey(). */
  requestKey?: string;
}

/** Runs fn(requestKey, attempt) with the same key until it succeeds or the error is not retry-safe. */
export function withRetry<T>(fn: (requestKey: string, attempt: number) => Promise<T>, options?: RetryOptions): Promise<T>;

/** One parameter as its JSON value (PROTOCOL.md section 4). */
export function encodeValue(value: Param, where: string): unknown;
/** One result value of a wire type as its JavaScript value. */
export function decodeValue(type: string, value: unknown): Value;
