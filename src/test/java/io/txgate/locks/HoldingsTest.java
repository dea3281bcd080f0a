package io.txgate.locks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Who held a connection, now and a moment ago: what a deadlock read after the fact is mapped with. */
class HoldingsTest {

  private record Session(String id, String clientName, Holder.Activity activity) implements Holder {
  }

  private record Running(String op, String statement, long startedAtMillis) implements Holder.Activity {
  }

  private static Session session(String id) {
    return new Session(id, "client-" + id, new Running("execute", "SELECT " + id, 0));
  }

  @Test
  void aReleasedConnectionStillNamesItsLastHolder() {
    Holdings h = new Holdings();
    h.borrowed(7, session("1"));
    h.released(7);
    h.borrowed(8, session("2"));

    assertThat(h.holding(7)).isNull();
    assertThat(h.lastHolder(7).holder().id()).isEqualTo("1");
    assertThat(h.around(60_000)).containsOnlyKeys(7L, 8L);
    assertThat(h.around(60_000).get(8L).activity().statement()).isEqualTo("SELECT 2");
  }

  @Test
  void theLatestHolderOfAConnectionWins() {
    Holdings h = new Holdings();
    h.borrowed(7, session("1"));
    h.released(7);
    h.borrowed(7, session("2"));
    h.released(7);
    assertThat(h.lastHolder(7).holder().id()).isEqualTo("2");
    assertThat(h.around(60_000).get(7L).holder().id()).isEqualTo("2");
    h.borrowed(7, session("3"));
    assertThat(h.around(60_000).get(7L).holder().id()).isEqualTo("3");
  }

  @Test
  void theHistoryIsBounded() {
    Holdings h = new Holdings();
    h.borrowed(1, session("first"));
    h.released(1);
    for (int i = 0; i < Holdings.HISTORY; i++) {
      h.borrowed(1000 + i, session("s" + i));
      h.released(1000 + i);
    }
    assertThat(h.lastHolder(1)).isNull();
    assertThat(h.around(60_000)).hasSize(Holdings.HISTORY);
  }

  @Test
  void onlyAConnectionHeldPastTheThresholdCounts() {
    Holdings h = new Holdings();
    assertThat(h.heldLongerThan(1000, System.currentTimeMillis())).isFalse();
    h.borrowed(7, session("1"));
    long since = h.holding(7).sinceMillis();
    assertThat(h.heldLongerThan(1000, since + 1000)).isFalse();
    assertThat(h.heldLongerThan(1000, since + 1001)).isTrue();
    h.released(7);
    assertThat(h.heldLongerThan(1000, since + 5000)).isFalse();
  }
}
