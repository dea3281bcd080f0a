package io.txgate.client;

/** The isolation level of one transaction ({@link TxOptions#isolation}). */
public enum Isolation {
  READ_UNCOMMITTED, READ_COMMITTED, REPEATABLE_READ, SERIALIZABLE
}
