package io.txgate.client;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;

/**
 * Request keys for exactly-once requests (PROTOCOL.md section 5.2). Make the key once per logical
 * operation, before the first attempt, and send every retry of that operation with the same key:
 * after COMMIT_UNKNOWN, a timeout or a lost connection the work then happens at most once.
 */
public final class RequestKeys {

  /** The longest key txgate takes. */
  public static final int MAX_LENGTH = 64;

  private RequestKeys() {
  }

  /** A fresh random key (a UUID, 36 characters). */
  public static String random() {
    return UUID.randomUUID().toString();
  }

  /**
   * A key derived from the parts that name one logical operation, e.g. {@code of("invoice", "2024-17",
   * "pay")}: the same parts always give the same key (SHA-256, 64 hex digits), so a process that
   * restarts can resend with the key it used before.
   */
  public static String of(String... parts) {
    if (parts.length == 0) {
      throw new IllegalArgumentException("a derived request key needs at least one part");
    }
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (String p : parts) {
        byte[] b = p.getBytes(StandardCharsets.UTF_8);
        // Length-prefixed, so that ("ab", "c") and ("a", "bc") differ.
        sha.update(Integer.toString(b.length).getBytes(StandardCharsets.US_ASCII));
        sha.update((byte) ':');
        sha.update(b);
      }
      StringBuilder hex = new StringBuilder(64);
      for (byte x : sha.digest()) {
        hex.append(String.format("%02x", x));
      }
      return hex.toString();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** Checks a key: 1 to 64 characters. Returns it. */
  public static String check(String key) {
    if (key == null || key.isEmpty() || key.length() > MAX_LENGTH) {
      throw new IllegalArgumentException("a requestKey has 1 to " + MAX_LENGTH + " characters");
    }
    return key;
  }
}
