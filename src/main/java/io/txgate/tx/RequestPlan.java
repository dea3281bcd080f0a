package io.txgate.tx;

import io.txgate.protocol.Isolation;
import io.txgate.protocol.ProtocolException;
import io.txgate.protocol.Step;
import java.util.List;

/**
 * How one request will run, decided once before its first attempt from the request, the server's
 * settings and the level the database's connections start with; the runner only carries it out.
 *
 * <p>A pure function of its inputs, so every combination can be checked without a database.
 *
 * @param isolation the level the transaction runs at: the request's, else the server default
 * @param setIsolation whether {@code SET TRANSACTION ISOLATION LEVEL} goes out before it starts
 * @param autocommit whether the one statement runs alone, without {@code START TRANSACTION}/{@code COMMIT}
 * @param readOnly whether the transaction starts {@code READ ONLY}
 * @param writes whether a statement may write: losing the connection under a lone writing statement
 *     leaves its outcome unknown
 * @param reset whether the connection is reset before it is reused (a retry or the next borrower),
 *     because a statement may have left session state on it
 * @param pipelined whether the transaction's statements (and the key's claim) all go out at once, on
 *     a connection switched to {@code autocommit=0} for the request (see {@link TransactionRunner}):
 *     a transaction with more than one such command when pipelining is on
 */
public record RequestPlan(Isolation isolation, boolean setIsolation, boolean autocommit, boolean readOnly,
                          boolean writes, boolean reset, boolean pipelined) {

  /**
   * Plans a request.
   *
   * @param steps the request's statements, in order
   * @param requested the request's isolation level, or null for {@code defaultIsolation}
   * @param readOnly whether the request asked for a read-only transaction
   * @param keyed whether the request carries a request key (its claim must share the transaction)
   * @param defaultIsolation the server's {@code tx.isolation}
   * @param resetAlways the server's {@code db.resetAlways}: reset every connection after use
   * @param databaseIsolation the level pooled connections start with, as probed; null while unknown
   * @param pipelining the server's {@code tx.pipeline}: whether a transaction's commands may all go
   *     out at once
   * @throws ProtocolException BAD_REQUEST when a statement would break the transaction (see
   *     {@link SqlGuard}), with its step index when there are several
   */
  public static RequestPlan of(List<Step> steps, Isolation requested, boolean readOnly, boolean keyed,
                               Isolation defaultIsolation, boolean resetAlways, Isolation databaseIsolation,
                               boolean pipelining) {
    boolean reset = resetAlways;
    boolean multi = steps.size() > 1;
    boolean writes = false;
    for (int i = 0; i < steps.size(); i++) {
      String sql = steps.get(i).statement().sql();
      StatementFacts.Facts facts;
      try {
        facts = StatementFacts.of(sql, multi);
      } catch (ProtocolException e) {
        throw multi ? e.atStep(i) : e;
      }
      reset |= facts.verdict() == SqlGuard.Verdict.RESET;
      writes |= !facts.read();
    }
    Isolation isolation = requested != null ? requested : defaultIsolation;
    boolean setIsolation = isolation != databaseIsolation;
    // One plain statement needs no BEGIN/COMMIT: InnoDB runs it as its own transaction, with the
    // same all-or-nothing semantics, two round trips sooner. Not when an isolation level must be
    // set first: a statement that fails to parse would leave that setting pending for whoever
    // borrows the connection next.
    // A read-only single SELECT may run that way at any level but READ UNCOMMITTED: alone in
    // autocommit it is one consistent, non-locking read under READ COMMITTED, REPEATABLE READ and
    // SERIALIZABLE alike (MySQL manual, "Transaction Isolation Levels"), so no level needs setting.
    boolean single = steps.size() == 1 && steps.get(0).expect() == null && !keyed;
    boolean autocommit = single && (readOnly
      ? !writes && isolation != Isolation.READ_UNCOMMITTED
        && databaseIsolation != null && databaseIsolation != Isolation.READ_UNCOMMITTED
      : requested == null && !setIsolation);
    // One command in the transaction (a lone statement with an expectation, or at a level of its
    // own) already travels with START TRANSACTION in one round trip; only a second command gains
    // from being sent before the first one's answer.
    boolean pipelined = pipelining && !autocommit && steps.size() + (keyed ? 1 : 0) > 1;
    return new RequestPlan(isolation, setIsolation, autocommit, readOnly, writes, reset, pipelined);
  }

  /** The statement that opens the transaction when it is not autocommit. */
  public String begin() {
    return readOnly ? "START TRANSACTION READ ONLY" : "START TRANSACTION";
  }

  /**
   * Whether a pipelined transaction needs an explicit START TRANSACTION. With autocommit off the
   * first statement opens the transaction by itself, at the level set for it; only READ ONLY, and a
   * level set for this transaction alone, need the statement: START TRANSACTION consumes the pending
   * level at once, so a first statement that fails to parse cannot leave it pending on the connection.
   */
  public boolean explicitStart() {
    return !pipelined || readOnly || setIsolation;
  }
}
