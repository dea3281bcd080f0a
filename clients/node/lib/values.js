'use strict';

/**
 * PROTOCOL.md section 4, both ways, and the JSON text of a request (which may hold BigInt values,
 * written as JSON numbers with every digit kept).
 */

function pad(n, width) {
  return String(n).padStart(width, '0');
}

/** A Date as the UTC local date-time text MySQL and named operations accept: 2024-02-29T23:59:59.500 */
function formatDate(d) {
  if (Number.isNaN(d.getTime())) {
    throw new TypeError('an invalid Date cannot be sent');
  }
  const year = d.getUTCFullYear();
  if (year < 0 || year > 9999) {
    throw new TypeError(`the Date ${d.toISOString()} is outside the years 0000-9999`);
  }
  return `${pad(year, 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}T`
    + `${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}`
    + `.${pad(d.getUTCMilliseconds(), 3)}`;
}

/**
 * One parameter (or named-operation argument) as its JSON value. `where` names it in errors, e.g.
 * "params[1]".
 */
function encodeValue(v, where) {
  if (v === null || v === undefined) return null;
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return v;
    case 'number':
      if (!Number.isFinite(v)) {
        throw new TypeError(`${where} is ${v}, which JSON cannot carry`);
      }
      return v;
    case 'bigint':
      return v;
    default:
      break;
  }
  if (v instanceof Date) return formatDate(v);
  if (Buffer.isBuffer(v) || v instanceof Uint8Array) {
    return { $base64: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') };
  }
  if (v instanceof ArrayBuffer) return { $base64: Buffer.from(v).toString('base64') };
  if (typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 1
      && typeof v.$base64 === 'string') {
    return { $base64: v.$base64 };
  }
  throw new TypeError(`${where} cannot be sent: ${Object.prototype.toString.call(v)}`
    + ' (send strings, numbers, BigInt, booleans, null, Date, Buffer or Uint8Array)');
}

function encodeParams(params, where = 'params') {
  if (params === undefined || params === null) return [];
  if (!Array.isArray(params)) {
    throw new TypeError(`${where} must be an array`);
  }
  return params.map((p, i) => encodeValue(p, `${where}[${i}]`));
}

function encodeArgs(args) {
  if (args === undefined || args === null) return {};
  if (typeof args !== 'object' || Array.isArray(args)) {
    throw new TypeError('args must be an object of named arguments');
  }
  const out = {};
  for (const [k, v] of Object.entries(args)) {
    if (v !== undefined) out[k] = encodeValue(v, `args.${k}`);
  }
  return out;
}

/** JSON text of a request. Like JSON.stringify, but a BigInt becomes a JSON number with all digits. */
function stringify(v) {
  if (v === null || v === undefined) return 'null';
  switch (typeof v) {
    case 'string':
      return JSON.stringify(v);
    case 'number':
      return Number.isFinite(v) ? JSON.stringify(v) : 'null';
    case 'boolean':
      return v ? 'true' : 'false';
    case 'bigint':
      return v.toString();
    default:
      break;
  }
  if (Array.isArray(v)) return `[${v.map(stringify).join(',')}]`;
  const parts = [];
  for (const [k, x] of Object.entries(v)) {
    if (x !== undefined) parts.push(`${JSON.stringify(k)}:${stringify(x)}`);
  }
  return `{${parts.join(',')}}`;
}

/**
 * A result value of wire type `type` as its JavaScript value: `integer` beyond 2^53 (sent as a
 * string of digits) becomes a BigInt, `binary` a Buffer; everything else stays as sent (decimal,
 * date, datetime, time, json and geometry are exact strings).
 */
function decodeValue(type, v) {
  if (v === null || v === undefined) return null;
  if (type === 'integer' && typeof v === 'string') return BigInt(v);
  if (type === 'binary' && typeof v === 'object' && typeof v.$base64 === 'string') {
    return Buffer.from(v.$base64, 'base64');
  }
  return v;
}

/** lastInsertId: a number, or a BigInt beyond 2^53. */
function decodeInteger(v) {
  if (typeof v === 'string' && /^-?[0-9]+$/.test(v)) return BigInt(v);
  return v;
}

module.exports = {
  formatDate,
  encodeValue,
  encodeParams,
  encodeArgs,
  stringify,
  decodeValue,
  decodeInteger,
};
