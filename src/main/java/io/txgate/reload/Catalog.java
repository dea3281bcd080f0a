package io.txgate.reload;

import io.txgate.access.Clients;
import io.txgate.access.ClientsLoader;
import io.txgate.config.TxgateConfig;
import io.txgate.ops.Operations;
import io.txgate.ops.OperationsLoader;
import io.vertx.core.Vertx;
import java.nio.file.Path;

/**
 * The clients, their permissions and the named operations, read and checked together: a client may
 * name only operations that exist, so the two are valid, and replaced, only as a pair.
 */
public record Catalog(Clients clients, Operations operations) {

  /**
   * Reads the operations file and builds the clients of {@code config}.
   *
   * @throws io.txgate.config.ConfigException naming the key, file or entry at fault
   */
  public static Catalog load(Vertx vertx, TxgateConfig config) {
    Operations operations = OperationsLoader.load(Path.of(config.tx().operationsFile()), config.tx().maxAttempts());
    TxgateConfig.Access a = config.access();
    ClientsLoader.checkOperations(a.clients(), operations);
    return new Catalog(Clients.of(vertx, a.clients(), a.jwtAlgorithm(), a.jwtKey()), operations);
  }
}
