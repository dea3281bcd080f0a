package io.txgate.protocol;

/** One statement of a transaction, with what it is expected to do (null: no expectation). */
public record Step(Statement statement, Expectation expect) {

  public Step(Statement statement) {
    this(statement, null);
  }
}
