package io.txgate.access;

import io.txgate.protocol.ErrorCode;
import io.txgate.protocol.ProtocolException;
import io.txgate.protocol.Step;
import java.util.List;

/**
 * Checks one request against its client's {@link Permissions} before anything runs. A refusal is
 * {@code FORBIDDEN} with a message that names the client and the permission, so an operator reading
 * a client's error knows which line of the configuration to change.
 */
public final class Permits {

  private Permits() {
  }

  /** Raw SQL ({@code execute}, {@code batch}): needs {@code rawSql}, and reads only under {@code readOnly}. */
  public static void rawSql(Client client, List<Step> steps) {
    if (!client.permissions().rawSql()) {
      throw forbidden(client, "may not send raw SQL (rawSql: false); call a named operation instead");
    }
    if (client.permissions().readOnly()) {
      for (int i = 0; i < steps.size(); i++) {
        if (!ReadOnlyStatements.allowed(steps.get(i).statement().sql())) {
          ProtocolException e = forbidden(client, "is readOnly: only SELECT, SHOW, DESCRIBE, EXPLAIN, VALUES"
            + " and TABLE statements that cannot write are allowed");
          throw steps.size() > 1 ? e.atStep(i) : e;
        }
      }
    }
  }

  /** {@code call}: the operation must be in the client's {@code operations}. */
  public static void call(Client client, String operation) {
    if (!client.permissions().mayCall(operation)) {
      throw forbidden(client, "may not call '" + shorten(operation) + "' (not in its operations)");
    }
  }

  /** {@code call} under {@code readOnly}: only an operation defined {@code readOnly: true}. */
  public static void readOnlyCall(Client client, String operation, boolean operationReadOnly) {
    if (client.permissions().readOnly() && !operationReadOnly) {
      throw forbidden(client, "is readOnly and operation '" + shorten(operation) + "' is not (readOnly: false)");
    }
  }

  /** A client over its {@code requestsPerSecond}: BUSY, retryable after a back-off. */
  public static ProtocolException rateExceeded(Client client) {
    return new ProtocolException(ErrorCode.BUSY, "client '" + client.name() + "' exceeded its rate of "
      + client.permissions().requestsPerSecond() + " requests per second (requestsPerSecond); nothing ran");
  }

  private static String shorten(String name) {
    return name.length() > 64 ? name.substring(0, 64) + "..." : name;
  }

  private static ProtocolException forbidden(Client client, String what) {
    return new ProtocolException(ErrorCode.FORBIDDEN, "client '" + client.name() + "' " + what);
  }
}
