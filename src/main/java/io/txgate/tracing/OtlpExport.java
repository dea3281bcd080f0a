package io.txgate.tracing;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.txgate.Version;
import java.util.concurrent.TimeUnit;

/**
 * The OpenTelemetry SDK, exporting spans in batches over OTLP/gRPC to a collector, as service
 * {@code txgate}. A request whose client sent a traceparent is sampled as the client decided (its
 * sampled flag); any other is recorded. Export runs on the SDK's own thread, never on an event
 * loop; when the collector is unreachable, spans are dropped once its queue is full, and requests
 * are not held up.
 */
final class OtlpExport implements AutoCloseable {

  private static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");
  private static final AttributeKey<String> SERVICE_VERSION = AttributeKey.stringKey("service.version");

  private final OpenTelemetrySdk sdk;

  private OtlpExport(OpenTelemetrySdk sdk) {
    this.sdk = sdk;
  }

  static OtlpExport start(String endpoint) {
    Resource resource = Resource.getDefault().merge(Resource.create(
      Attributes.of(SERVICE_NAME, "txgate", SERVICE_VERSION, Version.VERSION)));
    SdkTracerProvider provider = SdkTracerProvider.builder()
      .setResource(resource)
      .setSampler(Sampler.parentBased(Sampler.alwaysOn()))
      .addSpanProcessor(BatchSpanProcessor.builder(OtlpGrpcSpanExporter.builder().setEndpoint(endpoint).build())
        .build())
      .build();
    // Not registered as the global instance: txgate hands it to whoever needs it.
    return new OtlpExport(OpenTelemetrySdk.builder()
      .setTracerProvider(provider)
      .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
      .build());
  }

  OpenTelemetry openTelemetry() {
    return sdk;
  }

  @Override
  public void close() {
    sdk.getSdkTracerProvider().shutdown().join(5, TimeUnit.SECONDS);
  }
}
