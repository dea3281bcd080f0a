package io.txgate.db;

import io.txgate.config.DatabaseUrls;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.mysqlclient.MySQLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.IOException;

/** Runs a trusted SQL file (the demo schema, test fixtures) statement by statement on one connection. */
public final class SchemaLoader {

  private SchemaLoader() {
  }

  public static Future<Void> load(Vertx vertx, String url, Path file) {
    String script;
    try {
      script = Files.readString(file);
    } catch (IOException e) {
      return Future.failedFuture(new IllegalStateException("cannot read " + file + ": " + e.getMessage()));
    }
    return run(vertx, url, script);
  }

  public static Future<Void> run(Vertx vertx, String url, String script) {
    return MySQLConnection.connect(vertx, DatabaseUrls.parse(url))
      .compose(conn -> {
        Future<Void> chain = Future.succeededFuture();
        for (String sql : SqlScript.split(script)) {
          chain = chain.compose(v -> conn.query(sql).execute().<Void>mapEmpty());
        }
        return chain.eventually(conn::close);
      });
  }
}
