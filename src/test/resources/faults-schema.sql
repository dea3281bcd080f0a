-- The fault bank's own schema, in its own database on its own MariaDB (testsupport.FaultDatabase).
-- ledger.request_key is deliberately NOT unique: a transfer applied twice must be countable.
CREATE TABLE accounts (
  id      INT PRIMARY KEY,
  balance DECIMAL(15,2) NOT NULL,
  version INT NOT NULL DEFAULT 0
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

INSERT INTO accounts (id, balance) VALUES
  (1, 1000.00), (2, 1000.00), (3, 1000.00), (4, 1000.00),
  (5, 1000.00), (6, 1000.00), (7, 1000.00), (8, 1000.00);

CREATE TABLE ledger (
  id          BIGINT AUTO_INCREMENT PRIMARY KEY,
  from_id     INT NOT NULL,
  to_id       INT NOT NULL,
  amount      DECIMAL(15,2) NOT NULL,
  request_key VARCHAR(64) NULL,
  KEY request_key (request_key)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
