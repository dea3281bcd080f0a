package io.txgate.protocol;

/**
 * The W3C Trace Context a request carries ({@code "traceparent"} and {@code "tracestate"}, the
 * values of the HTTP headers of the same names, https://www.w3.org/TR/trace-context/), so that the
 * client's trace continues into txgate. Kept verbatim: whether the value is valid is decided only
 * when a span is made, and only while tracing is on. An invalid one is ignored, never refused: the
 * specification says a vendor that cannot parse {@code traceparent} MUST start a new trace rather
 * than fail the request (section 3.2.2 and 4.2).
 *
 * @param traceparent {@code 00-<32 hex trace id>-<16 hex parent span id>-<2 hex flags>}
 * @param tracestate vendor entries that travel with it, or null
 */
public record TraceContext(String traceparent, String tracestate) {

  /** Longest value kept: a version-00 traceparent has 55 characters, a later version a few more. */
  public static final int MAX_TRACEPARENT = 256;
  /** The specification's bound on tracestate: 32 entries of at most 256 characters and commas. */
  public static final int MAX_TRACESTATE = 32 * 257;
}
