/**
 * The language-neutral conformance vectors of clients/conformance, read by the server's own tests:
 * {@link io.txgate.conformance.Vectors} loads them and matches answers (clients/conformance/README.md
 * specifies the format), {@link io.txgate.conformance.ConformanceTest} runs them through the request decoder
 * and against a real txgate.
 */
package io.txgate.conformance;
