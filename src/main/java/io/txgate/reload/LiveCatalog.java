package io.txgate.reload;

import io.txgate.access.Clients;
import io.txgate.ops.Operations;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The catalog in use, shared by every protocol verticle instance and the console. Readers take the
 * current value once per request or connection; a reload replaces it in one write, so a request
 * sees the old catalog or the new one, never a mix, and nothing in flight is disturbed.
 */
public final class LiveCatalog {

  private final AtomicReference<Catalog> current;

  public LiveCatalog(Catalog initial) {
    this.current = new AtomicReference<>(initial);
  }

  public Catalog current() {
    return current.get();
  }

  public Clients clients() {
    return current.get().clients();
  }

  public Operations operations() {
    return current.get().operations();
  }

  /** Puts {@code next} in use and returns the catalog it replaced. */
  Catalog replace(Catalog next) {
    return current.getAndSet(next);
  }
}
