package io.txgate.client;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The result of a {@code batch} or {@code call}: one {@link ResultSet} per step, in order, and the
 * transaction's {@link #attempts()} and {@link #replayed()} flag (which each step's ResultSet reports
 * too). It is a read-only {@code List<ResultSet>}.
 */
public final class BatchResult extends AbstractList<ResultSet> {

  private final List<ResultSet> results;
  private final Integer attempts;
  private final boolean replayed;

  BatchResult(Map<String, Object> raw) {
    attempts = ResultSet.attempts(raw);
    replayed = Boolean.TRUE.equals(raw.get("replayed"));
    List<ResultSet> out = new ArrayList<>();
    for (Object r : Json.emptyIfNull(raw.get("results"))) {
      @SuppressWarnings("unchecked")
      Map<String, Object> step = (Map<String, Object>) r;
      out.add(new ResultSet(step, attempts, replayed));
    }
    results = Collections.unmodifiableList(out);
  }

  @Override
  public ResultSet get(int index) {
    return results.get(index);
  }

  @Override
  public int size() {
    return results.size();
  }

  /** How many times the transaction ran (1 unless a transient conflict was retried). */
  public Integer attempts() {
    return attempts;
  }

  /** True when this is the stored answer of an earlier request with the same requestKey: nothing ran again. */
  public boolean replayed() {
    return replayed;
  }
}
