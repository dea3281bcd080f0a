package io.txgate.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A line is complete when the read that brought its last byte arrived. */
class FrameArrivalsTest {

  @Test
  void aLineCountsFromTheReadThatCompletedIt() {
    FrameArrivals a = new FrameArrivals();
    a.arrived(10, 100);   // lines ending at 4 and 10
    a.arrived(15, 200);   // the first half of a line
    a.arrived(30, 300);   // its end at 22, and a line ending at 30
    assertThat(a.completeAt(4, 999)).isEqualTo(100);
    assertThat(a.completeAt(10, 999)).isEqualTo(100);
    assertThat(a.completeAt(22, 999)).isEqualTo(300);
    assertThat(a.completeAt(30, 999)).isEqualTo(300);
    // Nothing pending: a line known of nowhere counts from now.
    assertThat(a.completeAt(31, 999)).isEqualTo(999);
  }

  @Test
  void oneRequestAtATimeNeedsNoRing() throws Exception {
    FrameArrivals a = new FrameArrivals();
    for (int i = 1; i <= 100; i++) {
      a.arrived(i * 10L, i);
      assertThat(a.completeAt(i * 10L, 999)).isEqualTo(i);
    }
    var rest = FrameArrivals.class.getDeclaredField("rest");
    rest.setAccessible(true);
    assertThat(rest.get(a)).isNull();
  }

  @Test
  void pastTheRingTheNewestReadIsExtended() {
    FrameArrivals a = new FrameArrivals();
    for (int i = 0; i <= FrameArrivals.MAX + 3; i++) {
      a.arrived((i + 1) * 10L, i);
    }
    for (int i = 0; i < FrameArrivals.MAX; i++) {
      assertThat(a.completeAt((i + 1) * 10L, 999)).isEqualTo(i);
    }
    // The reads after the ring filled count from the last one it kept.
    assertThat(a.completeAt((FrameArrivals.MAX + 1) * 10L, 999)).isEqualTo(FrameArrivals.MAX);
    assertThat(a.completeAt((FrameArrivals.MAX + 4) * 10L, 999)).isEqualTo(FrameArrivals.MAX);
    assertThat(a.completeAt((FrameArrivals.MAX + 5) * 10L, 999)).isEqualTo(999);
  }
}
