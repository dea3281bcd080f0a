package io.txgate.tcp;

/**
 * When each request line on a connection was complete, so that the time a pipelined request waits
 * behind earlier ones can be told: a line is complete when the read that brought its last byte
 * arrived. Reads are kept as (end offset in the stream, arrival time) until every line they end in
 * has started.
 *
 * <p>A connection that sends one request at a time has at most one read pending: it costs two
 * fields. A ring for more is made only once a client pipelines; past {@link #MAX} pending reads the
 * newest is extended over the next ones, so a line in those counts from the earlier read's arrival
 * (its queueing is overstated by at most the time between those reads).
 */
final class FrameArrivals {

  static final int MAX = 8;

  /** The oldest pending read: the stream offset it ends at (-1: none) and when it arrived. */
  private long firstEnd = -1;
  private long firstAt;
  /** Later pending reads, oldest first, as end/time pairs; null until a client pipelines. */
  private long[] rest;
  private int restHead;
  private int restSize;

  /** A read arrived at {@code now}; the stream has {@code end} bytes in all. */
  void arrived(long end, long now) {
    if (firstEnd < 0) {
      firstEnd = end;
      firstAt = now;
      return;
    }
    if (rest == null) {
      rest = new long[2 * MAX];
    }
    if (restSize == MAX) {
      rest[2 * ((restHead + MAX - 1) % MAX)] = end;
      return;
    }
    int i = (restHead + restSize) % MAX;
    rest[2 * i] = end;
    rest[2 * i + 1] = now;
    restSize++;
  }

  /**
   * When the line that ends at stream offset {@code end} was complete; reads that only lines up to it
   * were in are forgotten. {@code now} when nothing is known of it.
   */
  long completeAt(long end, long now) {
    while (firstEnd >= 0 && firstEnd < end) {
      popFirst();
    }
    if (firstEnd < 0) {
      return now;
    }
    long at = firstAt;
    if (firstEnd == end) {
      popFirst();
    }
    return at;
  }

  private void popFirst() {
    if (restSize == 0) {
      firstEnd = -1;
      return;
    }
    firstEnd = rest[2 * restHead];
    firstAt = rest[2 * restHead + 1];
    restHead = (restHead + 1) % MAX;
    restSize--;
  }
}
