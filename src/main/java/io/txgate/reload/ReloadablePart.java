package io.txgate.reload;

import io.txgate.config.TxgateConfig;
import io.vertx.core.Future;
import java.util.List;
import java.util.Set;

/**
 * One thing a reload replaces. Every part is staged (read and checked, nothing visible changes)
 * before any is applied, so one invalid part leaves all of them as they were. Another part, e.g. the
 * protocol port's certificates (stage: read and check the PEM files; apply: update the server's TLS
 * options), is one more implementation in {@link Reloader}'s list.
 */
public interface ReloadablePart {

  /** The configuration keys it re-reads: a change of one of them is applied, not "needs a restart". */
  Set<String> keys();

  /**
   * Reads and checks this part's new state; may block (it reads files), so it runs on a worker.
   *
   * @throws io.txgate.config.ConfigException naming the key, file or entry at fault
   */
  Staged stage(TxgateConfig next);

  /** A checked new state, ready to be put in use. */
  interface Staged {

    /** What applying it changes, one line each, e.g. {@code operation added: transfer}. */
    List<String> changes();

    /**
     * Puts it in use. Parts are applied in list order, each after the one before has completed: a
     * part whose apply can fail (a server updating its TLS options) goes before those that cannot.
     */
    Future<Void> apply();
  }
}
