/**
 * The wire protocol: requests, responses, error codes, framing, the request decoder and response
 * encoder, and the JSON form of statement parameters. No sockets, no database: the MySQL value
 * conversions live in {@code io.txgate.sql}.
 */
package io.txgate.protocol;
