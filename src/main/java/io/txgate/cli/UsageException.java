package io.txgate.cli;

/** A command line txgate does not understand: exit status 2, as for any Unix tool. */
public final class UsageException extends RuntimeException {

  public static final int EXIT_STATUS = 2;

  public UsageException(String message) {
    super(message, null, false, false);
  }
}
