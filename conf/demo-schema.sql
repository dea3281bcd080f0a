-- The demo schema the embedded database loads at every start. Idempotent: a restart keeps the data.
CREATE TABLE IF NOT EXISTS accounts (
  id      INT PRIMARY KEY,
  owner   VARCHAR(64) NOT NULL,
  balance DECIMAL(15,2) NOT NULL DEFAULT 0,
  version INT NOT NULL DEFAULT 0
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

INSERT IGNORE INTO accounts (id, owner, balance) VALUES
  (1, 'alice', 1000.00),
  (2, 'bob', 1000.00),
  (3, 'carol', 1000.00),
  (4, 'dave', 1000.00),
  (5, 'erin', 1000.00),
  (6, 'frank', 1000.00),
  (7, 'grace', 1000.00),
  (8, 'heidi', 1000.00);

-- Every movement of money, written in the same transaction as the balances it changes.
CREATE TABLE IF NOT EXISTS ledger (
  id         BIGINT AUTO_INCREMENT PRIMARY KEY,
  from_id    INT NULL,
  to_id      INT NOT NULL,
  amount     DECIMAL(15,2) NOT NULL,
  created_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
