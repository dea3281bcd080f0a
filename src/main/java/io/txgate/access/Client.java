package io.txgate.access;

/**
 * One configured client: the name it is known by (in the console, the API, the metrics and the
 * log), how it proves who it is, and what it may do.
 */
public record Client(String name, Credential credential, Permissions permissions) {

  /**
   * How a client proves its name. Each kind is one record, so that a new kind is one more.
   */
  public sealed interface Credential {
    /** The kind as the configuration and the log name it. */
    String kind();
  }

  /**
   * A secret token that the client sends in {@code hello}; txgate keeps only its PBKDF2 hash.
   * {@link #toString} leaves the hash out: it is not the token, but it is what an attacker would
   * guess against offline.
   */
  public record TokenHash(String hash) implements Credential {
    @Override
    public String kind() {
      return "token";
    }

    @Override
    public String toString() {
      return "TokenHash[***]";
    }
  }

  /** A JWT signed with the key in {@code protocol.jwtKey}, whose {@code sub} claim is the client's name. */
  public record Jwt() implements Credential {
    @Override
    public String kind() {
      return "jwt";
    }
  }

  /**
   * A TLS client certificate, verified in the handshake against {@code protocol.tls.caFile}, whose
   * subject CN is the client's name. Nothing secret is kept: the CA's signature is the proof.
   */
  public record Certificate() implements Credential {
    @Override
    public String kind() {
      return "certificate";
    }
  }
}
