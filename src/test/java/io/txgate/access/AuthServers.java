package io.txgate.access;

import io.txgate.config.Keys;
import io.txgate.testsupport.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

/** The clients, secrets and servers the authentication tests share. */
final class AuthServers {

  /** Secrets that must never appear in a log, an API answer or the metrics. */
  static final String TOKEN = "tok-9f3e1c-secret-token-0042";
  static final String WRONG_TOKEN = "wrong-7b2d4a-guess-token-0043";
  static final String JWT_KEY = "jwt-key-5c8e2f-with-enough-bytes-for-hs256-0044";
  static final String OTHER_JWT_KEY = "other-key-1a7d9b-not-the-servers-key-hs256-0045";

  private static String tokenHash;

  private AuthServers() {
  }

  /** One PBKDF2 hash for all token clients: it takes a while to make, on purpose. */
  static synchronized String tokenHash() {
    if (tokenHash == null) {
      tokenHash = io.txgate.auth.PasswordHash.hash(TOKEN);
    }
    return tokenHash;
  }

  /** A clients file with one client per permission under test. */
  static Path clientsFile() throws IOException {
    String h = tokenHash();
    String yaml = "clients:\n"
      + "  - {name: full, tokenHash: \"" + h + "\", rawSql: true, operations: \"*\"}\n"
      + "  - {name: signed, jwt: true, rawSql: true, operations: [balance]}\n"
      + "  - {name: norawsql, tokenHash: \"" + h + "\", operations: [balance]}\n"
      + "  - {name: reader, tokenHash: \"" + h + "\", rawSql: true, readOnly: true, operations: \"*\"}\n"
      + "  - {name: capped, tokenHash: \"" + h + "\", rawSql: true, maxConnections: 1}\n"
      + "  - {name: slow, tokenHash: \"" + h + "\", rawSql: true, requestsPerSecond: 1}\n";
    Path file = Files.createTempFile("txgate-clients", ".yaml");
    file.toFile().deleteOnExit();
    Files.writeString(file, yaml, StandardCharsets.UTF_8);
    return file;
  }

  /** A server with those clients; {@code failureLimit} failed authentications per address before throttling. */
  static TestServer start(int failureLimit) throws IOException {
    return TestServer.start(new JsonObject()
      .put(Keys.PROTOCOL_CLIENTS_FILE.env(), clientsFile().toString())
      .put(Keys.PROTOCOL_JWT_KEY.env(), JWT_KEY)
      .put(Keys.PROTOCOL_AUTH_FAILURE_LIMIT.env(), failureLimit)
      .put(Keys.PROTOCOL_AUTH_FAILURE_WINDOW_SECONDS.env(), 3600));
  }

  static JsonObject hello(Object id, String client, String token) {
    return new JsonObject().put("id", id).put("op", "hello").put("client", client).put("token", token);
  }

  static JsonObject helloJwt(Object id, String jwt) {
    return new JsonObject().put("id", id).put("op", "hello").put("client", "worker-1").put("jwt", jwt);
  }

  /** A JWT for {@code subject}, HS256-signed with {@code key}, valid for a minute. */
  static String jwt(Vertx vertx, String key, String subject) {
    return jwt(vertx, key, new JsonObject().put("sub", subject), new JWTOptions().setExpiresInSeconds(60));
  }

  static String jwt(Vertx vertx, String key, JsonObject claims, JWTOptions options) {
    JWTAuth auth = JWTAuth.create(vertx, new JWTAuthOptions()
      .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(key)));
    return auth.generateToken(claims, options.setAlgorithm("HS256"));
  }

  /** An unsigned JWT ({@code "alg": "none"}) naming {@code subject}: must never pass. */
  static String unsignedJwt(String subject) {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String header = b64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
    String payload = b64.encodeToString(new JsonObject().put("sub", subject)
      .put("exp", System.currentTimeMillis() / 1000 + 60).encode().getBytes(StandardCharsets.UTF_8));
    return header + "." + payload + ".";
  }
}
