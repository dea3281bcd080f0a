/** Telemetry: the metrics registry shared with Vert.x, txgate's own request, error and retry meters. */
package io.txgate.metrics;
