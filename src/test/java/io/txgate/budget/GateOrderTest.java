package io.txgate.budget;

import static org.assertj.core.api.Assertions.assertThat;

import io.txgate.protocol.ErrorCode;
import io.txgate.protocol.ProtocolException;
import io.vertx.core.Future;
import org.junit.jupiter.api.Test;

/** The gate's own rules, on one thread as on the pool's loop: order, shrink, grow, queue bound. */
class GateOrderTest {

  @Test
  void permitsGoToWaitersInArrivalOrder() {
    ConnectionGate gate = new ConnectionGate(1, 10);
    Future<ConnectionGate.Permit> a = gate.enter();
    Future<ConnectionGate.Permit> b = gate.enter();
    Future<ConnectionGate.Permit> c = gate.enter();
    assertThat(a.succeeded()).isTrue();
    assertThat(b.isComplete()).isFalse();
    assertThat(gate.waiting()).isEqualTo(2);
    a.result().release();
    assertThat(b.succeeded()).isTrue();
    assertThat(c.isComplete()).isFalse();
    b.result().release();
    assertThat(c.succeeded()).isTrue();
    assertThat(gate.inUse()).isEqualTo(1);
  }

  @Test
  void aShrinkTakesNothingAwayAndLetsNobodyInUntilInUseIsBelowTheNewLimit() {
    ConnectionGate gate = new ConnectionGate(3, 10);
    ConnectionGate.Permit p1 = gate.enter().result();
    ConnectionGate.Permit p2 = gate.enter().result();
    ConnectionGate.Permit p3 = gate.enter().result();
    gate.limit(1, "test");
    assertThat(gate.inUse()).isEqualTo(3);
    Future<ConnectionGate.Permit> waiter = gate.enter();
    p1.release();
    p2.release();
    assertThat(waiter.isComplete()).as("in use 1, limit 1").isFalse();
    p3.release();
    assertThat(waiter.succeeded()).isTrue();
    assertThat(gate.inUse()).isEqualTo(1);
  }

  @Test
  void aGrowServesWaitersAtOnce() {
    ConnectionGate gate = new ConnectionGate(0, 10);
    Future<ConnectionGate.Permit> a = gate.enter();
    Future<ConnectionGate.Permit> b = gate.enter();
    Future<ConnectionGate.Permit> c = gate.enter();
    gate.limit(2, "test");
    assertThat(a.succeeded()).isTrue();
    assertThat(b.succeeded()).isTrue();
    assertThat(c.isComplete()).isFalse();
    assertThat(gate.waiting()).isEqualTo(1);
  }

  @Test
  void oneMoreThanTheQueueHoldsIsBusyAtOnce() {
    ConnectionGate gate = new ConnectionGate(0, 2);
    gate.enter();
    gate.enter();
    Future<ConnectionGate.Permit> third = gate.enter();
    assertThat(third.failed()).isTrue();
    assertThat(((ProtocolException) third.cause()).code()).isEqualTo(ErrorCode.BUSY);
  }

  @Test
  void aWithdrawnWaiterIsSkippedAndFreesItsPlaceInTheQueue() {
    ConnectionGate gate = new ConnectionGate(0, 1);
    Future<ConnectionGate.Permit> gaveUp = gate.enter();
    assertThat(gate.withdraw(gaveUp)).isTrue();
    Future<ConnectionGate.Permit> next = gate.enter();
    assertThat(next.isComplete()).as("queued, not refused").isFalse();
    gate.limit(1, "test");
    assertThat(next.succeeded()).isTrue();
    assertThat(gaveUp.isComplete()).isFalse();
    assertThat(gate.withdraw(next)).as("already served").isFalse();
  }

  @Test
  void aPermitGivenBackTwiceCountsOnce() {
    ConnectionGate gate = new ConnectionGate(2, 10);
    ConnectionGate.Permit p = gate.enter().result();
    gate.enter();
    p.release();
    p.release();
    assertThat(gate.inUse()).isEqualTo(1);
  }

  @Test
  void aGrowPastAWaiterThatGivesItsPermitStraightBackServesTheRest() {
    ConnectionGate gate = new ConnectionGate(0, 10);
    Future<ConnectionGate.Permit> bouncer = gate.enter();
    Future<ConnectionGate.Permit> next = gate.enter();
    bouncer.onSuccess(ConnectionGate.Permit::release);
    gate.limit(3, "test");
    assertThat(next.succeeded()).isTrue();
    assertThat(gate.inUse()).isEqualTo(1);
    assertThat(gate.waiting()).isZero();
  }

  @Test
  void aWaiterThatGivesThePermitStraightBackPassesItToTheNext() {
    ConnectionGate gate = new ConnectionGate(1, 10);
    ConnectionGate.Permit held = gate.enter().result();
    Future<ConnectionGate.Permit> bouncer = gate.enter();
    Future<ConnectionGate.Permit> next = gate.enter();
    bouncer.onSuccess(ConnectionGate.Permit::release);
    held.release();
    assertThat(next.succeeded()).isTrue();
    assertThat(gate.inUse()).isEqualTo(1);
    assertThat(gate.waiting()).isZero();
  }
}
