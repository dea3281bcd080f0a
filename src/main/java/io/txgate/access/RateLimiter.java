package io.txgate.access;

import java.util.concurrent.ConcurrentHashMap;

/**
 * One token bucket per client, shared by all its connections on every protocol instance: it holds
 * up to one second's worth of requests and refills continuously at {@code requestsPerSecond}, so a
 * client may burst to its rate and sustain it, no more.
 */
public final class RateLimiter {

  private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

  /** Takes one request from the client's bucket; false when it is empty. A rate of 0 never limits. */
  public boolean tryAcquire(Client client) {
    int rate = client.permissions().requestsPerSecond();
    if (rate == 0) {
      return true;
    }
    // A reload may have changed the rate: the bucket follows it from this request on.
    Bucket bucket = buckets.compute(client.name(), (n, b) -> b == null || b.rate != rate ? new Bucket(rate) : b);
    return bucket.tryAcquire(System.nanoTime());
  }

  private static final class Bucket {
    private final double rate;
    private double tokens;
    private long last;

    Bucket(int rate) {
      this.rate = rate;
      this.tokens = rate;
      this.last = System.nanoTime();
    }

    synchronized boolean tryAcquire(long now) {
      tokens = Math.min(rate, tokens + (now - last) * rate / 1e9);
      last = now;
      if (tokens < 1) {
        return false;
      }
      tokens -= 1;
      return true;
    }
  }
}
