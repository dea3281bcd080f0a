package io.txgate.replica;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The verdict on a replica from its SHOW SLAVE STATUS, one rule at a time. */
class ReplicationStatusTest {

  @Test
  void runningWithinTheLimitIsUsable() {
    assertThat(new ReplicationStatus(true, true, 0L, null).unusableBecause(0)).isNull();
    assertThat(new ReplicationStatus(true, true, 5L, null).unusableBecause(5_000)).isNull();
  }

  @Test
  void lagBeyondTheLimitIsNot() {
    assertThat(new ReplicationStatus(true, true, 6L, null).unusableBecause(5_000))
      .isEqualTo("replication lag 6 s exceeds db.maxReplicaLagMs 5000 ms");
    // Whole seconds: any lag at all exceeds a limit below one second.
    assertThat(new ReplicationStatus(true, true, 1L, null).unusableBecause(999)).isNotNull();
  }

  @Test
  void unknownLagIsNot() {
    assertThat(new ReplicationStatus(true, true, null, null).unusableBecause(5_000))
      .isEqualTo("replication lag unknown (Seconds_Behind_Master is NULL)");
  }

  @Test
  void aStoppedThreadIsNotEvenWithoutLag() {
    assertThat(new ReplicationStatus(true, false, 0L, null).unusableBecause(5_000))
      .isEqualTo("replication stopped (IO thread running, SQL thread not running)");
    assertThat(new ReplicationStatus(false, true, 0L, "error reconnecting to master").unusableBecause(5_000))
      .isEqualTo("replication stopped (IO thread not running, SQL thread running): error reconnecting to master");
  }
}
