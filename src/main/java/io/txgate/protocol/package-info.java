/** The wire protocol: requests, responses, error codes, framing and the JSON value mapping. No sockets, no database. */
package io.txgate.protocol;
