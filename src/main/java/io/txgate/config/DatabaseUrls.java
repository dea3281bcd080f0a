package io.txgate.config;

import io.vertx.mysqlclient.MySQLConnectOptions;

/** The database URL, {@code mysql://user:password@host:port/database}: checked, and shown without its password. */
public final class DatabaseUrls {

  private DatabaseUrls() {
  }

  /** Parses the URL into connect options; throws a {@link ConfigException} that does not echo it. */
  public static MySQLConnectOptions parse(String url) {
    try {
      return MySQLConnectOptions.fromUri(url);
    } catch (RuntimeException e) {
      throw new ConfigException("configuration db.url (TXGATE_DB_URL): not a valid mysql:// URL: "
        + redact(url));
    }
  }

  static void check(String url) {
    parse(url);
  }

  /** The URL with any password replaced by {@code ***}, safe for logs and the admin console. */
  public static String redact(String url) {
    if (url == null || url.isBlank()) {
      return "(embedded)";
    }
    int scheme = url.indexOf("://");
    int at = url.lastIndexOf('@');
    if (scheme < 0 || at < scheme) {
      return url.replaceAll("(?i)(password=)[^&]*", "$1***");
    }
    String userInfo = url.substring(scheme + 3, at);
    int colon = userInfo.indexOf(':');
    String user = colon < 0 ? userInfo : userInfo.substring(0, colon) + ":***";
    return (url.substring(0, scheme + 3) + user + url.substring(at))
      .replaceAll("(?i)(password=)[^&]*", "$1***");
  }
}
