package io.txgate.db;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.mysqlclient.MySQLConnectOptions;
import io.vertx.mysqlclient.spi.MySQLDriver;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.spi.ConnectionFactory;

/**
 * Makes the connections that live outside the pool (health probes, KILL QUERY), all through one
 * connection factory. Vert.x 5.0.7's {@code MySQLConnection.connect} builds a new factory, with a
 * network client of its own, for every connection and never closes it: a probe a second left about
 * 5 KB a second behind for as long as txgate ran. This factory's client lives as long as Vert.x.
 */
public final class Connector {

  private final Vertx vertx;
  private final ConnectionFactory<MySQLConnectOptions> factory;

  public Connector(Vertx vertx) {
    this.vertx = vertx;
    // The driver's factory takes its transport settings from each connection's options; the
    // NetClientOptions here are not read by MySQLDriver 5.0.7.
    this.factory = MySQLDriver.INSTANCE.createConnectionFactory(vertx, new NetClientOptions());
  }

  /** A new connection, on the calling context (or a new one), as MySQLConnection.connect would make. */
  public Future<SqlConnection> connect(MySQLConnectOptions options) {
    return factory.connect(vertx.getOrCreateContext(), options);
  }
}
