/**
 * Tracing with OpenTelemetry: a span per request, per attempt and per statement, continuing the
 * client's W3C trace context, with SQL as fingerprints only. Off by default, and then nothing of it
 * runs.
 */
package io.txgate.tracing;
