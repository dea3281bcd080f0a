/**
 * Live reload: re-reads the configuration, checks every reloadable part, and only when all are valid
 * swaps them in for new requests and connections; SIGHUP and the console's POST /api/reload trigger it.
 */
package io.txgate.reload;
