'use strict';

// Written as `exports.name = ...` so that `import { connect } from 'txgate'` finds every name.
const { version } = require('../package.json');
const client = require('./client');
const pool = require('./pool');
const errors = require('./errors');
const retry = require('./retry');
const values = require('./values');

exports.VERSION = version;
exports.connect = client.connect;
exports.Client = client.Client;
exports.Result = client.Result;
exports.BatchResult = client.BatchResult;
exports.Pool = pool.Pool;
exports.TxgateError = errors.TxgateError;
exports.RequestError = errors.RequestError;
exports.SqlError = errors.SqlError;
exports.ConflictError = errors.ConflictError;
exports.TransientError = errors.TransientError;
exports.CommitUnknownError = errors.CommitUnknownError;
exports.InternalError = errors.InternalError;
exports.ConnectionError = errors.ConnectionError;
exports.ClientTimeoutError = errors.ClientTimeoutError;
exports.newRequestKey = retry.newRequestKey;
exports.withRetry = retry.withRetry;
exports.isRetrySafe = retry.isRetrySafe;
exports.encodeValue = values.encodeValue;
exports.decodeValue = values.decodeValue;
