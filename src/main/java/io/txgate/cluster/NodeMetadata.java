package io.txgate.cluster;

import io.txgate.config.TxgateConfig;
import io.vertx.core.json.JsonObject;

/**
 * What a node tells the others about itself when it joins: a name for people (its protocol
 * address), and where its protocol port and console listen. Published with the node's event bus
 * address, so it is there for as long as the node is a member, and gone with it.
 */
public final class NodeMetadata {

  public static final String NAME = "name";
  public static final String PROTOCOL = "protocol";
  public static final String ADMIN = "admin";
  public static final String STARTED_AT = "startedAt";

  private NodeMetadata() {
  }

  public static JsonObject of(TxgateConfig config) {
    String protocol = config.protocol().host() + ":" + config.protocol().port();
    String name = config.cluster().enabled() ? config.cluster().host() + ":" + config.cluster().port() : protocol;
    return new JsonObject()
      .put(NAME, name)
      .put(PROTOCOL, protocol)
      .put(ADMIN, config.admin().enabled() ? config.admin().host() + ":" + config.admin().port() : null)
      .put(STARTED_AT, System.currentTimeMillis());
  }
}
