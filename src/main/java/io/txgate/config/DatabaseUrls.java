package io.txgate.config;

import io.vertx.core.json.JsonObject;
import io.vertx.mysqlclient.MySQLConnectOptions;
import io.vertx.mysqlclient.SslMode;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The database URL, {@code mysql://user:password@host:port/database?name=value&...}: checked, its
 * parameters honoured or refused, and shown without its password.
 *
 * <p>Every parameter is either used or refused at start-up, naming it: the driver's own parser
 * keeps a parameter it does not know without a word, so {@code ?sslMode=REQUIRED} used to leave the
 * connection in plaintext. Names are matched ignoring case, as the driver reads them.
 */
public final class DatabaseUrls {

  /** TLS mode, MySQL Connector/J's and the mysql client's spellings. */
  static final List<String> SSL_MODE = List.of("sslMode", "ssl-mode");
  /** The CA file that verifies the server, same two spellings. */
  static final List<String> SSL_CA = List.of("sslCa", "ssl-ca");
  /** Handed to the driver's URL parser, which applies each (MySQLConnectionUriParser, Vert.x 5.0.7). */
  static final List<String> DRIVER = List.of("user", "password", "host", "port", "socket", "schema",
    "useAffectedRows");

  private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.\\-]*:/+");
  private static final Pattern PASSWORD_PARAMETER = Pattern.compile("(?i)(password=)[^&]*");
  private static final String SHAPE = "mysql://user:password@host:port/database";

  private DatabaseUrls() {
  }

  /** What a URL says: the driver's options (TLS not yet applied), and its TLS parameters (null: absent). */
  record Parsed(MySQLConnectOptions options, SslMode sslMode, String sslCa) {
  }

  /**
   * Connect options for a URL on its own, its TLS parameters applied: for connections that no
   * {@code db.tls} key governs (the embedded database, test fixtures).
   */
  public static MySQLConnectOptions parse(String url) {
    return tls(url, "", "").applyTo(read(url).options());
  }

  /** How txgate connects to the configured database: the URL, and the TLS that it and {@code db.tls} ask for. */
  public static MySQLConnectOptions connectOptions(TxgateConfig.Db db) {
    return db.tls().applyTo(read(db.url()).options());
  }

  /** As {@link #tls}, for one of {@code db.replicas}: the {@code db.tls} keys apply to replicas too. */
  static DbTls replicaTls(String url, String keyMode, String keyCa) {
    try {
      return tls(url, keyMode, keyCa);
    } catch (ConfigException e) {
      throw new ConfigException(Keys.DB_REPLICAS, "replica " + redact(url) + ": " + e.getMessage());
    }
  }

  /**
   * The TLS that the URL's parameters and the {@code db.tls} keys together ask for. Each setting may
   * be given in either place; given in both with different values, it is refused, naming both.
   * Without either the mode is DISABLED, as the driver's default.
   *
   * @param url the database URL; empty for the embedded database
   * @param keyMode {@code db.tls.mode}, empty when not set
   * @param keyCa {@code db.tls.caFile}, empty when not set
   */
  static DbTls tls(String url, String keyMode, String keyCa) {
    SslMode fromKey = keyMode.isEmpty() ? null : mode(keyMode, Keys.DB_TLS_MODE.toString());
    if (url == null || url.isBlank()) {
      boolean asksForTls = fromKey != null && fromKey != SslMode.DISABLED;
      if (asksForTls || !keyCa.isEmpty()) {
        throw new ConfigException(asksForTls ? Keys.DB_TLS_MODE : Keys.DB_TLS_CA_FILE, "applies to the"
          + " database in " + Keys.DB_URL + ", which is not set: the embedded database that starts"
          + " instead is reached over loopback without TLS");
      }
      return DbTls.DISABLED;
    }
    Parsed p = read(url);
    if (fromKey != null && p.sslMode() != null && fromKey != p.sslMode()) {
      throw new ConfigException(Keys.DB_TLS_MODE, fromKey + " conflicts with sslMode=" + p.sslMode()
        + " in " + Keys.DB_URL + ": set the mode in one place only");
    }
    if (!keyCa.isEmpty() && p.sslCa() != null && !keyCa.equals(p.sslCa())) {
      throw new ConfigException(Keys.DB_TLS_CA_FILE, "'" + keyCa + "' conflicts with sslCa=" + p.sslCa()
        + " in " + Keys.DB_URL + ": set the CA file in one place only");
    }
    SslMode mode = fromKey != null ? fromKey : p.sslMode() != null ? p.sslMode() : SslMode.DISABLED;
    String ca = !keyCa.isEmpty() ? keyCa : p.sslCa() != null ? p.sslCa() : "";
    String caOrigin = !keyCa.isEmpty() ? Keys.DB_TLS_CA_FILE.toString() : "sslCa in " + Keys.DB_URL;
    DbTls tls = new DbTls(mode, ca);
    if (!ca.isEmpty() && !tls.verifies()) {
      throw new ConfigException("configuration " + caOrigin + ": a CA file is used only by VERIFY_CA and"
        + " VERIFY_IDENTITY, and the mode is " + mode + ": it would be ignored");
    }
    if (!ca.isEmpty()) {
      checkCaFile(ca, caOrigin);
    }
    // The driver connects in plaintext over a unix socket whatever the mode (MySQLConnectionFactory).
    if (mode != SslMode.DISABLED && p.options().isUsingDomainSocket()) {
      throw new ConfigException(Keys.DB_URL, "TLS mode " + mode + " cannot apply to a unix socket ("
        + p.options().getHost() + "): the driver never encrypts one");
    }
    return tls;
  }

  /**
   * Refuses {@code db.tls} written as a value ({@code tls: REQUIRED}) instead of a section: its keys
   * would otherwise read as unset, and the connection would stay plaintext without a word.
   */
  static void requireTlsSection(JsonObject merged) {
    Object db = merged.getValue("db");
    Object tls = db instanceof JsonObject o ? o.getValue("tls") : null;
    if (tls != null && !(tls instanceof JsonObject)) {
      throw new ConfigException("configuration db.tls: a section is expected (mode: and caFile: under"
        + " it), not '" + tls + "'");
    }
  }

  /** Splits off the parameters txgate reads itself and refuses any it does not know. */
  static Parsed read(String url) {
    int q = url.indexOf('?');
    if (q >= 0 && url.indexOf('@', q) >= 0) {
      // A '?' in the password: what follows it must not be read, and echoed, as parameters.
      throw malformed(url);
    }
    String base = q < 0 ? url : url.substring(0, q);
    SslMode sslMode = null;
    String sslCa = null;
    List<String> forDriver = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (String pair : q < 0 ? new String[0] : url.substring(q + 1).split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      String canonical = canonical(name);
      if (canonical == null) {
        throw new ConfigException(Keys.DB_URL, "unknown parameter '" + name + "': txgate would not use it."
          + " It understands " + understood());
      }
      if (eq < 0) {
        throw new ConfigException(Keys.DB_URL, "parameter '" + name + "' has no value (name=value)");
      }
      if (!seen.add(canonical)) {
        throw new ConfigException(Keys.DB_URL, "parameter '" + name + "' is given twice");
      }
      String value = decode(pair.substring(eq + 1).trim(), name);
      if (canonical.equals(SSL_MODE.get(0))) {
        sslMode = mode(value, "parameter " + name + " in " + Keys.DB_URL);
      } else if (canonical.equals(SSL_CA.get(0))) {
        sslCa = value;
      } else {
        forDriver.add(pair);
      }
    }
    String driverUrl = forDriver.isEmpty() ? base : base + "?" + String.join("&", forDriver);
    try {
      // No spans from the SQL client itself, on any connection txgate makes: they would carry each
      // statement's raw text, literals and all (db.query.text). With tracing on, txgate makes its
      // own statement spans, with fingerprints (see tracing.RequestTrace).
      MySQLConnectOptions options = MySQLConnectOptions.fromUri(driverUrl);
      options.setTracingPolicy(io.vertx.core.tracing.TracingPolicy.IGNORE);
      return new Parsed(options, sslMode, sslCa);
    } catch (RuntimeException e) {
      // The driver's message repeats the whole URL, password included: never pass it on.
      throw malformed(url);
    }
  }

  private static ConfigException malformed(String url) {
    return new ConfigException(Keys.DB_URL, "not a valid URL, expected " + SHAPE + " (percent-encode"
      + " any of @ : / ? # & % in the user name, the password and parameter values): " + redact(url));
  }

  /** The first spelling of the parameter {@code name} stands for, or null when txgate does not know it. */
  private static String canonical(String name) {
    for (List<String> names : List.of(SSL_MODE, SSL_CA)) {
      for (String n : names) {
        if (n.equalsIgnoreCase(name)) {
          return names.get(0);
        }
      }
    }
    for (String n : DRIVER) {
      if (n.equalsIgnoreCase(name)) {
        return n;
      }
    }
    return null;
  }

  private static String understood() {
    return SSL_MODE.get(0) + " (or " + SSL_MODE.get(1) + "), " + SSL_CA.get(0) + " (or " + SSL_CA.get(1) + "), "
      + String.join(", ", DRIVER);
  }

  private static SslMode mode(String value, String where) {
    try {
      return SslMode.of(value.trim());
    } catch (IllegalArgumentException e) {
      throw new ConfigException("configuration " + where + ": '" + value + "' is not one of "
        + Arrays.stream(SslMode.values()).map(Enum::name).collect(Collectors.joining(", ")));
    }
  }

  private static String decode(String value, String name) {
    try {
      return URLDecoder.decode(value, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(Keys.DB_URL, "parameter '" + name + "' is not percent-encoded correctly");
    }
  }

  private static void checkCaFile(String ca, String origin) {
    Path path = Path.of(ca);
    String pem;
    try {
      pem = Files.readString(path, StandardCharsets.US_ASCII);
    } catch (java.io.IOException | RuntimeException e) {
      throw new ConfigException("configuration " + origin + ": cannot read the CA file " + path.toAbsolutePath()
        + " (" + e.getClass().getSimpleName() + ")");
    }
    if (!pem.contains("-----BEGIN CERTIFICATE-----")) {
      throw new ConfigException("configuration " + origin + ": " + path.toAbsolutePath()
        + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
    }
  }

  /**
   * The URL with any password replaced by {@code ***}, safe for logs, errors and the admin console.
   * It masks too much rather than too little when the URL is malformed: everything after the first
   * ':' of whatever precedes the last '@', and a "port" that is not a number when there is no '@'
   * ({@code mysql://user:secret}, the host forgotten).
   */
  public static String redact(String url) {
    if (url == null || url.isBlank()) {
      return "(embedded)";
    }
    String out;
    int at = url.lastIndexOf('@');
    if (at >= 0) {
      var scheme = SCHEME.matcher(url.substring(0, at));
      int start = scheme.find() ? scheme.end() : 0;
      String userInfo = url.substring(start, at);
      int colon = userInfo.indexOf(':');
      out = url.substring(0, start) + (colon < 0 ? userInfo : userInfo.substring(0, colon) + ":***")
        + url.substring(at);
    } else {
      out = maskNonNumericPort(url);
    }
    return PASSWORD_PARAMETER.matcher(out).replaceAll("$1***");
  }

  private static String maskNonNumericPort(String url) {
    var scheme = SCHEME.matcher(url);
    int start = scheme.find() ? scheme.end() : 0;
    int end = start;
    while (end < url.length() && "/?#".indexOf(url.charAt(end)) < 0) {
      end++;
    }
    String authority = url.substring(start, end);
    int hostEnd = authority.startsWith("[") ? Math.max(0, authority.indexOf(']')) : 0;
    int colon = authority.indexOf(':', hostEnd);
    if (colon < 0 || authority.substring(colon + 1).matches("\\d*")) {
      return url;
    }
    return url.substring(0, start + colon + 1) + "***" + url.substring(end);
  }
}
