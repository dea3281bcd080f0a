package io.txgate.config;

/** A configuration value that cannot be used; the message names the key both ways it can be set. */
public final class ConfigException extends RuntimeException {

  public ConfigException(Key key, String problem) {
    super("configuration " + key + ": " + problem, null, false, false);
  }

  public ConfigException(String message) {
    super(message, null, false, false);
  }
}
