/** Tests of the shipped clients (Python client and txgate-cli) against a real txgate. */
package io.txgate.clients;
