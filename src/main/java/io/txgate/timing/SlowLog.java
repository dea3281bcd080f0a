package io.txgate.timing;

import io.txgate.digest.Fingerprint;
import io.txgate.protocol.Step;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The slow log: a request that took longer than {@code observability.slowRequestMs} is logged as one
 * JSON object on the logger {@code txgate.slow}, with where its time went. Its statements appear as
 * fingerprints (literals replaced by {@code ?}), never as their text; their parameter values appear
 * only when {@code observability.logParams} is on, since they may hold secrets (passwords, tokens,
 * personal data) that a log must not keep.
 *
 * <p>Nothing of it runs for a request under the threshold but one comparison.
 */
public final class SlowLog {

  /** The logger's name: {@code org.slf4j.simpleLogger.log.txgate.slow=warn} silences it. */
  public static final String LOGGER = "txgate.slow";

  /** Distinct fingerprints listed per line; a 1000-step batch of one statement is one. */
  static final int MAX_FINGERPRINTS = 20;

  private static final Logger LOG = LoggerFactory.getLogger(LOGGER);
  private static final Logger SETUP = LoggerFactory.getLogger(SlowLog.class);

  private final long thresholdNanos;
  private final boolean logParams;

  /**
   * @param slowRequestMs requests at least this long are logged; 0: none
   * @param logParams whether the lines carry the statements' parameter values
   */
  public SlowLog(int slowRequestMs, boolean logParams) {
    this.thresholdNanos = slowRequestMs <= 0 ? Long.MAX_VALUE : slowRequestMs * 1_000_000L;
    this.logParams = logParams;
    if (logParams) {
      SETUP.warn("observability.logParams: true: the slow log ({}) writes statement parameter values, which may hold"
        + " passwords, tokens or personal data; turn it off outside debugging", LOGGER);
    }
  }

  /** Whether a request that took {@code totalNanos} is logged. */
  public boolean slow(long totalNanos) {
    return totalNanos >= thresholdNanos;
  }

  /**
   * Logs one slow request.
   *
   * @param op the named operation, or null for raw SQL
   * @param outcome "ok" or the error code it was answered with
   */
  public void log(String session, String client, String request, String op, RequestTiming t, long totalNanos,
                  String outcome) {
    JsonObject line = new JsonObject()
      .put("time", Instant.now().toString())
      .put("session", session)
      .put("client", client)
      .put("request", request)
      .put("op", op)
      .put("fingerprints", fingerprints(t.steps()))
      .put("attempts", t.attempts)
      .put("queueMs", ms(t.queueNanos))
      .put("connectionWaitMs", ms(t.waitNanos))
      .put("dbMs", ms(t.dbNanos))
      .put("backoffMs", ms(t.backoffNanos))
      .put("totalMs", ms(totalNanos))
      .put("outcome", outcome);
    if (logParams && t.steps() != null) {
      line.put("params", params(t.steps()));
    }
    LOG.info(line.encode());
  }

  private static JsonArray fingerprints(List<Step> steps) {
    JsonArray out = new JsonArray();
    if (steps == null) {
      return out;
    }
    Set<String> seen = new LinkedHashSet<>();
    for (Step s : steps) {
      if (seen.size() == MAX_FINGERPRINTS) {
        break;
      }
      seen.add(Fingerprint.of(s.statement().sql()));
    }
    seen.forEach(out::add);
    return out;
  }

  /** Each step's parameters; values JSON has no type for (dates, decimals, bytes) as text. */
  private static JsonArray params(List<Step> steps) {
    JsonArray out = new JsonArray();
    for (Step s : steps) {
      JsonArray values = new JsonArray();
      for (Object v : s.statement().params()) {
        values.add(v == null || v instanceof String || v instanceof Number || v instanceof Boolean ? v
          : String.valueOf(v));
      }
      out.add(values);
    }
    return out;
  }

  private static double ms(long nanos) {
    return Math.round(nanos / 1000.0) / 1000.0;
  }
}
