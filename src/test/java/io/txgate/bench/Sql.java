package io.txgate.bench;

/**
 * The statements both sides run. The operation's are those of {@code transfer} in
 * conf/operations.yaml, so the direct client does exactly what the named operation does.
 */
final class Sql {

  static final String POINT = "SELECT id, balance FROM accounts WHERE id = ?";
  static final String DEBIT = "UPDATE accounts SET balance = balance - ? WHERE id = ? AND balance >= ?";
  static final String CREDIT = "UPDATE accounts SET balance = balance + ? WHERE id = ?";
  static final String AMOUNT = "0.01";

  static final String OP_LOCK = "SELECT id FROM accounts WHERE id IN (?, ?) ORDER BY id FOR UPDATE";
  static final String OP_DEBIT = "UPDATE accounts SET balance = balance - ?, version = version + 1"
    + " WHERE id = ? AND balance >= ? AND ? > 0";
  static final String OP_CREDIT = "UPDATE accounts SET balance = balance + ?, version = version + 1 WHERE id = ?";
  static final String OP_LEDGER = "INSERT INTO ledger (from_id, to_id, amount) VALUES (?, ?, ?)";

  private Sql() {
  }
}
