package io.txgate.auth;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Passwords stored as PBKDF2-HMAC-SHA256 hashes: {@code pbkdf2-sha256$iterations$salt$hash}
 * (salt and hash in base64), so that a configuration file never holds the password itself.
 *
 * <p>Make one with {@code java -cp target/txgate.jar io.txgate.auth.PasswordHash} (it reads the
 * password from the terminal, or from standard input).
 */
public final class PasswordHash {

  private static final String PREFIX = "pbkdf2-sha256";
  private static final int ITERATIONS = 210_000;

  private PasswordHash() {
  }

  public static String hash(String password) {
    byte[] salt = new byte[16];
    new SecureRandom().nextBytes(salt);
    return PREFIX + "$" + ITERATIONS + "$" + b64(salt) + "$" + b64(derive(password, salt, ITERATIONS, 32));
  }

  public static boolean isWellFormed(String hash) {
    String[] p = hash.split("\\$");
    try {
      return p.length == 4 && p[0].equals(PREFIX) && Integer.parseInt(p[1]) > 0
        && Base64.getDecoder().decode(p[2]).length > 0 && Base64.getDecoder().decode(p[3]).length > 0;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** Checks a password against a hash in constant time. */
  public static boolean verify(String password, String hash) {
    if (!isWellFormed(hash)) {
      return false;
    }
    String[] p = hash.split("\\$");
    byte[] expected = Base64.getDecoder().decode(p[3]);
    byte[] actual = derive(password, Base64.getDecoder().decode(p[2]), Integer.parseInt(p[1]), expected.length);
    return MessageDigest.isEqual(expected, actual);
  }

  private static byte[] derive(String password, byte[] salt, int iterations, int bytes) {
    try {
      PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, bytes * 8);
      return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String b64(byte[] b) {
    return Base64.getEncoder().encodeToString(b);
  }

  /** Prints the hash of a password read from the terminal or standard input. */
  public static void main(String[] args) throws IOException {
    Console console = System.console();
    String password;
    if (console != null) {
      password = new String(console.readPassword("password: "));
    } else {
      password = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
    }
    if (password == null || password.isEmpty()) {
      System.err.println("no password given");
      System.exit(2);
    }
    System.out.println(hash(password));
  }
}
