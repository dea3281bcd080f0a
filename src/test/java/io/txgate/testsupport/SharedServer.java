package io.txgate.testsupport;

import io.txgate.Txgate;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One real txgate for all the tests of a class:
 * {@code @RegisterExtension static final SharedServer server = new SharedServer();}.
 */
public final class SharedServer implements BeforeAllCallback, AfterAllCallback {

  private final JsonObject overrides;
  private TestServer server;

  public SharedServer() {
    this(new JsonObject());
  }

  /** @param overrides TXGATE_* names and values for this class's server */
  public SharedServer(JsonObject overrides) {
    this.overrides = overrides;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    server = TestServer.start(overrides);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    server.close();
  }

  public WireClient connect() throws IOException {
    return server.connect();
  }

  public int port() {
    return server.port();
  }

  public Txgate txgate() {
    return server.txgate();
  }

  public String adminUrl() {
    return server.adminUrl();
  }
}
