package io.txgate.tx;

import static io.txgate.protocol.Isolation.READ_COMMITTED;
import static io.txgate.protocol.Isolation.READ_UNCOMMITTED;
import static io.txgate.protocol.Isolation.REPEATABLE_READ;
import static io.txgate.protocol.Isolation.SERIALIZABLE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.txgate.protocol.ErrorCode;
import io.txgate.protocol.Expectation;
import io.txgate.protocol.Isolation;
import io.txgate.protocol.ProtocolException;
import io.txgate.protocol.Statement;
import io.txgate.protocol.Step;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every way a request can run, as a table: request, settings and probed level in, plan out. */
class RequestPlanTest {

  private static final String READ = "SELECT a FROM t WHERE id = ?";
  private static final String WRITE = "UPDATE t SET a = 1 WHERE id = ?";
  private static final String STATEFUL = "SET @x = 1";

  /** One request and the server around it. */
  record In(List<Step> steps, Isolation requested, boolean readOnly, boolean keyed, Isolation serverDefault,
            boolean resetAlways, Isolation database) {
  }

  /** The plan expected, component by component. */
  record Out(Isolation isolation, boolean setIsolation, boolean autocommit, boolean writes, boolean reset) {
  }

  record Row(String name, In in, Out out) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Row> table() {
    return Stream.of(
      // A lone statement at the level connections already have: no BEGIN/COMMIT.
      row("one write, default level", req(WRITE), RR, RR, out(REPEATABLE_READ, false, true, true, false)),
      row("one read, default level", req(READ), RR, RR, out(REPEATABLE_READ, false, true, false, false)),
      // The server default differs from the connections' level: it must be set, so a transaction.
      row("one write, server default differs", req(WRITE), RC, RR, out(READ_COMMITTED, true, false, true, false)),
      // Not probed yet: the level cannot be known to match, so it is set.
      row("one write, level not probed", req(WRITE), RR, null, out(REPEATABLE_READ, true, false, true, false)),
      // Any level the request names explicitly runs in a transaction, even when it matches.
      row("one write, level asked equals connections'", req(WRITE).level(REPEATABLE_READ), RR, RR,
        out(REPEATABLE_READ, false, false, true, false)),
      row("one write, other level asked", req(WRITE).level(SERIALIZABLE), RR, RR,
        out(SERIALIZABLE, true, false, true, false)),
      // Read-only single SELECT: autocommit at any level but READ UNCOMMITTED.
      row("read-only read, serializable asked", req(READ).readOnly().level(SERIALIZABLE), RR, RR,
        out(SERIALIZABLE, true, true, false, false)),
      row("read-only read, read uncommitted asked", req(READ).readOnly().level(READ_UNCOMMITTED), RR, RR,
        out(READ_UNCOMMITTED, true, false, false, false)),
      row("read-only read, connections read uncommitted", req(READ).readOnly(), RR, READ_UNCOMMITTED,
        out(REPEATABLE_READ, true, false, false, false)),
      row("read-only read, level not probed", req(READ).readOnly(), RR, null,
        out(REPEATABLE_READ, true, false, false, false)),
      row("read-only write", req(WRITE).readOnly(), RR, RR, out(REPEATABLE_READ, false, false, true, false)),
      // A key's claim row must commit with the work; an expectation is checked before COMMIT.
      row("keyed write", req(WRITE).keyed(), RR, RR, out(REPEATABLE_READ, false, false, true, false)),
      row("keyed read-only read", req(READ).readOnly().keyed(), RR, RR, out(REPEATABLE_READ, false, false, false, false)),
      row("write with expectation", req(WRITE).expecting(), RR, RR, out(REPEATABLE_READ, false, false, true, false)),
      row("two reads", req(READ, READ), RR, RR, out(REPEATABLE_READ, false, false, false, false)),
      row("read then write", req(READ, WRITE), RR, RR, out(REPEATABLE_READ, false, false, true, false)),
      // Session state: the connection is reset before reuse.
      row("user variable", req(STATEFUL), RR, RR, out(REPEATABLE_READ, false, true, true, true)),
      row("user variable in a batch", req(READ, STATEFUL), RR, RR, out(REPEATABLE_READ, false, false, true, true)),
      row("reset always", req(READ).resetAlways(), RR, RR, out(REPEATABLE_READ, false, true, false, true))
    );
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void plans(Row row) {
    In in = row.in();
    RequestPlan plan = RequestPlan.of(in.steps(), in.requested(), in.readOnly(), in.keyed(), in.serverDefault(),
      in.resetAlways(), in.database(), true);
    assertThat(new Out(plan.isolation(), plan.setIsolation(), plan.autocommit(), plan.writes(), plan.reset()))
      .isEqualTo(row.out());
    assertThat(plan.readOnly()).isEqualTo(in.readOnly());
    assertThat(RequestPlan.of(in.steps(), in.requested(), in.readOnly(), in.keyed(), in.serverDefault(),
      in.resetAlways(), in.database(), false).pipelined()).as("tx.pipeline off").isFalse();
    assertThat(plan.begin()).isEqualTo(in.readOnly() ? "START TRANSACTION READ ONLY" : "START TRANSACTION");
  }

  /** Pipelined: a transaction with a second command to send, another step or the key's claim. */
  @Test
  void aTransactionWithASecondCommandIsPipelined() {
    assertThat(plan(steps(READ, WRITE), false, false).pipelined()).isTrue();
    assertThat(plan(steps(WRITE), true, false).pipelined()).as("keyed: claim and statement").isTrue();
    assertThat(plan(steps(READ, READ), false, true).pipelined()).as("read only").isTrue();
    assertThat(plan(steps(READ, READ), false, true).explicitStart()).as("READ ONLY needs START").isTrue();
    assertThat(plan(steps(READ, WRITE), false, false).explicitStart()).isFalse();
    assertThat(plan(steps(WRITE), false, false).pipelined()).as("autocommit").isFalse();
    assertThat(RequestPlan.of(List.of(new Step(new Statement(WRITE, List.of()), new Expectation(1L, null))), null,
      false, false, RR, false, RR, true).pipelined()).as("one statement with an expectation").isFalse();
    assertThat(RequestPlan.of(steps(WRITE), SERIALIZABLE, false, false, RR, false, RR, true).pipelined())
      .as("one statement at a level of its own").isFalse();
    RequestPlan leveled = RequestPlan.of(steps(READ, WRITE), SERIALIZABLE, false, false, RR, false, RR, true);
    assertThat(leveled.pipelined()).isTrue();
    assertThat(leveled.explicitStart()).as("START consumes the level at once").isTrue();
  }

  private static RequestPlan plan(List<Step> steps, boolean keyed, boolean readOnly) {
    return RequestPlan.of(steps, null, readOnly, keyed, RR, false, RR, true);
  }

  @Test
  void aStatementThatBreaksTheTransactionIsRefusedWithItsStep() {
    assertThatThrownBy(() -> RequestPlan.of(steps(READ, "COMMIT"), null, false, false, REPEATABLE_READ, false,
      REPEATABLE_READ, true)).isInstanceOfSatisfying(ProtocolException.class, e -> {
        assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
        assertThat(e.step()).isEqualTo(1);
      });
    assertThatThrownBy(() -> RequestPlan.of(steps("COMMIT"), null, false, false, REPEATABLE_READ, false,
      REPEATABLE_READ, true)).isInstanceOfSatisfying(ProtocolException.class, e -> {
        assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
        assertThat(e.step()).isNull();
      });
  }

  // Shorthands that keep the table one row per line.

  private static final Isolation RR = REPEATABLE_READ;
  private static final Isolation RC = READ_COMMITTED;

  private static Row row(String name, Req req, Isolation serverDefault, Isolation database, Out out) {
    return new Row(name, new In(req.steps, req.level, req.readOnly, req.keyed, serverDefault, req.resetAlways,
      database), out);
  }

  private static Out out(Isolation isolation, boolean setIsolation, boolean autocommit, boolean writes,
                         boolean reset) {
    return new Out(isolation, setIsolation, autocommit, writes, reset);
  }

  private static Req req(String... sql) {
    return new Req(steps(sql));
  }

  private static List<Step> steps(String... sql) {
    return Arrays.stream(sql).map(s -> new Step(new Statement(s, List.of()))).toList();
  }

  /** A request under construction: its steps and options. */
  private static final class Req {
    List<Step> steps;
    Isolation level;
    boolean readOnly;
    boolean keyed;
    boolean resetAlways;

    Req(List<Step> steps) {
      this.steps = steps;
    }

    Req level(Isolation i) {
      level = i;
      return this;
    }

    Req readOnly() {
      readOnly = true;
      return this;
    }

    Req keyed() {
      keyed = true;
      return this;
    }

    Req resetAlways() {
      resetAlways = true;
      return this;
    }

    Req expecting() {
      steps = steps.stream().map(s -> new Step(s.statement(), new Expectation(1L, null))).toList();
      return this;
    }
  }
}
