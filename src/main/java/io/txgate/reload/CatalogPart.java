package io.txgate.reload;

import io.txgate.access.Client;
import io.txgate.access.Clients;
import io.txgate.config.ConfigChanges;
import io.txgate.config.Keys;
import io.txgate.config.TxgateConfig;
import io.txgate.ops.Operations;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/** The clients, their permissions and the named operations: one part, since each checks the other. */
public final class CatalogPart implements ReloadablePart {

  private static final Set<String> KEYS = Set.of(Keys.OPERATIONS_FILE.path(), Keys.PROTOCOL_CLIENTS_FILE.path(),
    Keys.PROTOCOL_JWT_ALGORITHM.path(), Keys.PROTOCOL_JWT_KEY.path(), ConfigChanges.CLIENTS);

  private final Vertx vertx;
  private final LiveCatalog live;

  public CatalogPart(Vertx vertx, LiveCatalog live) {
    this.vertx = vertx;
    this.live = live;
  }

  @Override
  public Set<String> keys() {
    return KEYS;
  }

  @Override
  public Staged stage(TxgateConfig next) {
    Catalog catalog = Catalog.load(vertx, next);
    return new Staged() {
      @Override
      public List<String> changes() {
        Catalog now = live.current();
        List<String> out = new ArrayList<>();
        diffOperations(now.operations(), catalog.operations(), out);
        diffClients(now.clients(), catalog.clients(), out);
        return out;
      }

      @Override
      public Future<Void> apply() {
        live.replace(catalog);
        return Future.succeededFuture();
      }
    };
  }

  private static void diffOperations(Operations before, Operations after, List<String> out) {
    for (String name : new TreeSet<>(union(before.names(), after.names()))) {
      if (!after.contains(name)) {
        out.add("operation removed: " + name);
      } else if (!before.contains(name)) {
        out.add("operation added: " + name);
      } else if (!before.get(name).equals(after.get(name))) {
        out.add("operation changed: " + name);
      }
    }
  }

  private static void diffClients(Clients before, Clients after, List<String> out) {
    for (String name : new TreeSet<>(union(before.names(), after.names()))) {
      Client b = before.get(name);
      Client a = after.get(name);
      if (a == null) {
        out.add("client removed: " + name);
      } else if (b == null) {
        out.add("client added: " + name);
      } else if (!Objects.equals(b.credential(), a.credential())) {
        out.add("client changed: " + name + " (credential" + (b.permissions().equals(a.permissions())
          ? ")" : ", permissions)"));
      } else if (!b.permissions().equals(a.permissions())) {
        out.add("client changed: " + name + " (permissions)");
      }
    }
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> out = new TreeSet<>(a);
    out.addAll(b);
    return out;
  }
}
