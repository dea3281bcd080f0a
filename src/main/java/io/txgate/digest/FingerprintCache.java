package io.txgate.digest;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Fingerprints of recently seen statement texts, so that a statement sent a million times is lexed
 * once. Bounded: the least recently used text goes first. Not thread safe: one per event loop.
 */
public final class FingerprintCache {

  private final Map<String, String> cache;

  /** @param capacity how many statement texts it remembers */
  public FingerprintCache(int capacity) {
    this.cache = new LinkedHashMap<>(Math.min(capacity, 1024) * 2, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
        return size() > capacity;
      }
    };
  }

  /** The statement's fingerprint ({@link Fingerprint#of}), from the cache when it is there. */
  public String of(String sql) {
    String f = cache.get(sql);
    if (f == null) {
      f = Fingerprint.of(sql);
      cache.put(sql, f);
    }
    return f;
  }
}
