package io.txgate.bench;

import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What one request does. {@code point} reads one of many accounts by primary key; {@code transfer}
 * moves money between two of many accounts (little contention); {@code transfer-hot} the same
 * between 8 accounts (heavy contention: deadlocks and lock waits); {@code transfer-op} calls the
 * named operation {@code transfer} over the many accounts; {@code mixed} is 80% point, 20% transfer.
 */
enum Workload {
  POINT, TRANSFER, TRANSFER_HOT, TRANSFER_OP, MIXED;

  /** The accounts the benchmark owns: many, then the few hot ones. See {@link Accounts}. */
  static final int FIRST = 1001;
  static final int MANY = 10_000;
  static final int FIRST_HOT = FIRST + MANY;
  static final int HOT = 8;

  /** What one request is: its kind and the accounts it touches. */
  enum Kind { POINT, TRANSFER, OPERATION }

  record Pick(Kind kind, int from, int to) {
  }

  static Workload of(String name) {
    return valueOf(name.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
  }

  String wireName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** The next request of this workload. */
  Pick pick(ThreadLocalRandom r) {
    return switch (this) {
      case POINT -> new Pick(Kind.POINT, FIRST + r.nextInt(MANY), 0);
      case TRANSFER -> transfer(Kind.TRANSFER, FIRST, MANY, r);
      case TRANSFER_HOT -> transfer(Kind.TRANSFER, FIRST_HOT, HOT, r);
      case TRANSFER_OP -> transfer(Kind.OPERATION, FIRST, MANY, r);
      case MIXED -> r.nextInt(100) < 80 ? POINT.pick(r) : TRANSFER.pick(r);
    };
  }

  /** Two different accounts out of {@code count} starting at {@code first}. */
  private static Pick transfer(Kind kind, int first, int count, ThreadLocalRandom r) {
    int from = r.nextInt(count);
    int to = (from + 1 + r.nextInt(count - 1)) % count;
    return new Pick(kind, first + from, first + to);
  }
}
