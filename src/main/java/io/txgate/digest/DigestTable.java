package io.txgate.digest;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The digests, keyed by fingerprint and operation name, with a cap on how many it holds.
 *
 * <p>Why this shape. Statements run on several event loops at once (the pool's loop and the
 * protocol loops that share it, see {@code DbLoop}), so a lookup must not take a lock: it is a
 * {@link ConcurrentHashMap#get}. Only a fingerprint seen for the first time takes the table's lock,
 * to insert it and, when the table is full, to evict one entry. The eviction is an approximate LRU:
 * each digest carries the time it was last used (to within a millisecond), and when the table is
 * full the oldest eighth of the entries, sorted by that time, becomes a queue of eviction
 * candidates. Each insertion evicts the next candidate that has not been used since the queue was
 * made; when the queue is spent it is made again. A full scan thus pays for {@code cap / 8}
 * insertions, exactly one entry goes per insertion past the cap, and a statement in use is never the
 * one evicted while an idle one is left in the queue. A strict LRU list would need a lock (or a
 * write to shared links) on every statement; the sampled, amortised one needs it on misses only.
 *
 * <p>The fingerprint of a statement's text is remembered too (for texts up to {@link
 * #MAX_CACHED_SQL} characters, at most {@link #FINGERPRINT_CACHE} of them, emptied when full), so
 * that the same text is not lexed again on every call.
 */
public final class DigestTable {

  static final int FINGERPRINT_CACHE = 1024;
  static final int MAX_CACHED_SQL = 1024;

  private record Key(String fingerprint, String op) {
  }

  private record Candidate(Key key, Digest digest, long seen) {
  }

  private final int cap;
  private final ConcurrentHashMap<Key, Digest> digests = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, String> fingerprints = new ConcurrentHashMap<>();
  private final ArrayDeque<Candidate> candidates = new ArrayDeque<>();
  private final LongAdder evictions = new LongAdder();
  private final Object lock = new Object();

  public DigestTable(int cap) {
    if (cap < 1) {
      throw new IllegalArgumentException("cap must be positive");
    }
    this.cap = cap;
  }

  /** The fingerprint of {@code sql}, remembered. */
  String fingerprint(String sql) {
    String f = fingerprints.get(sql);
    if (f != null) {
      return f;
    }
    f = Fingerprint.of(sql);
    if (sql.length() <= MAX_CACHED_SQL) {
      if (fingerprints.size() >= FINGERPRINT_CACHE) {
        fingerprints.clear();
      }
      fingerprints.put(sql, f);
    }
    return f;
  }

  /** The digest of {@code sql} run by {@code op} ({@code ""}: ad-hoc), made when it is new. */
  Digest digest(String sql, String op) {
    return get(fingerprint(sql), op == null ? "" : op);
  }

  /** The digest of a fingerprint and operation name, made (and another evicted) when it is new. */
  public Digest get(String fingerprint, String op) {
    Key key = new Key(fingerprint, op);
    Digest d = digests.get(key);
    return d != null ? d : insert(key);
  }

  private Digest insert(Key key) {
    synchronized (lock) {
      Digest d = digests.get(key);
      if (d != null) {
        return d;
      }
      if (digests.size() >= cap) {
        evictOne();
      }
      d = new Digest(key.fingerprint(), key.op(), System.nanoTime());
      digests.put(key, d);
      return d;
    }
  }

  /** Evicts the least recently used entry, or nearly: see the class comment. Holds the lock. */
  private void evictOne() {
    while (true) {
      if (candidates.isEmpty()) {
        refill();
      }
      Candidate c = candidates.poll();
      if (c == null) {
        return;
      }
      // Used since it became a candidate: it stays. Already gone: nothing to do.
      if (c.digest().lastUsed() == c.seen() && digests.remove(c.key(), c.digest())) {
        evictions.increment();
        return;
      }
    }
  }

  private void refill() {
    List<Candidate> all = new ArrayList<>(digests.size());
    for (Map.Entry<Key, Digest> e : digests.entrySet()) {
      all.add(new Candidate(e.getKey(), e.getValue(), e.getValue().lastUsed()));
    }
    all.sort(Comparator.comparingLong(Candidate::seen));
    int n = Math.max(1, Math.min(all.size(), cap / 8));
    candidates.addAll(all.subList(0, n));
  }

  /** Statement texts whose fingerprint is remembered now; never above {@link #FINGERPRINT_CACHE}. */
  int cachedFingerprints() {
    return fingerprints.size();
  }

  /** Entries now; never above {@link #cap()}. */
  public int size() {
    return digests.size();
  }

  public int cap() {
    return cap;
  }

  /** Entries evicted to make room since start. */
  public long evictions() {
    return evictions.sum();
  }

  /** The first {@code limit} digests by {@code sort}, highest first. */
  public List<Digest> top(DigestSort sort, int limit) {
    List<Digest> all = new ArrayList<>(digests.values());
    // Each value is read once per entry, not once per comparison (a quantile walks 200 buckets),
    // and stays put while the sort runs though statements keep counting.
    Map<Digest, Long> value = new java.util.IdentityHashMap<>();
    for (Digest d : all) {
      value.put(d, sort.value(d));
    }
    all.sort(Comparator.comparingLong((Digest d) -> value.get(d)).reversed());
    return all.size() <= limit ? all : new ArrayList<>(all.subList(0, limit));
  }
}
