-- Tables the test suite uses, created fresh once per run. Names start with t_ so that a test run
-- against a shared database cannot touch anything else.
DROP TABLE IF EXISTS t_accounts;
CREATE TABLE t_accounts (
  id      INT PRIMARY KEY,
  owner   VARCHAR(64) NOT NULL,
  balance DECIMAL(15,2) NOT NULL DEFAULT 0,
  version INT NOT NULL DEFAULT 0
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

DROP TABLE IF EXISTS t_items;
CREATE TABLE t_items (
  id    BIGINT AUTO_INCREMENT PRIMARY KEY,
  tag   VARCHAR(64) NOT NULL,
  n     INT NOT NULL,
  UNIQUE KEY tag_n (tag, n)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

DROP TABLE IF EXISTS t_types;
CREATE TABLE t_types (
  id          INT PRIMARY KEY,
  c_tinyint   TINYINT,
  c_utinyint  TINYINT UNSIGNED,
  c_smallint  SMALLINT,
  c_usmallint SMALLINT UNSIGNED,
  c_mediumint MEDIUMINT,
  c_int       INT,
  c_uint      INT UNSIGNED,
  c_bigint    BIGINT,
  c_ubigint   BIGINT UNSIGNED,
  c_decimal   DECIMAL(30,10),
  c_float     FLOAT,
  c_double    DOUBLE,
  c_bit       BIT(64),
  c_bool      BOOLEAN,
  c_char      CHAR(10),
  c_varchar   VARCHAR(255),
  c_tinytext  TINYTEXT,
  c_text      TEXT,
  c_mediumtext MEDIUMTEXT,
  c_longtext  LONGTEXT,
  c_binary    BINARY(4),
  c_varbinary VARBINARY(255),
  c_tinyblob  TINYBLOB,
  c_blob      BLOB,
  c_mediumblob MEDIUMBLOB,
  c_longblob  LONGBLOB,
  c_date      DATE,
  c_time      TIME(6),
  c_datetime  DATETIME(6),
  c_timestamp TIMESTAMP(6) NULL,
  c_year      YEAR,
  c_enum      ENUM('small','medium','large'),
  c_set       SET('a','b','c'),
  c_json      JSON,
  c_geometry  GEOMETRY
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Statement digests (DigestDeadlockTest, StatementsApiTest): accounts of their own.
DROP TABLE IF EXISTS t_accounts_digests;
CREATE TABLE t_accounts_digests (
  id      INT PRIMARY KEY,
  balance DECIMAL(15,2) NOT NULL DEFAULT 0
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Rows the lock-wait and deadlock tests lock on purpose; each test has its own ids.
DROP TABLE IF EXISTS t_locks;
CREATE TABLE t_locks (
  id INT PRIMARY KEY,
  v  INT NOT NULL
) ENGINE=InnoDB;
INSERT INTO t_locks (id, v) VALUES (1, 0), (2, 0), (3, 0), (4, 0), (5, 0), (6, 0), (7, 0), (8, 0);

-- Tracing (io.txgate.tracing.TracingTest).
DROP TABLE IF EXISTS t_accounts_otel;
CREATE TABLE t_accounts_otel (
  id      INT PRIMARY KEY,
  owner   VARCHAR(64) NOT NULL,
  balance DECIMAL(15,2) NOT NULL DEFAULT 0
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

DROP TABLE IF EXISTS t_items_otel;
CREATE TABLE t_items_otel (
  id    BIGINT AUTO_INCREMENT PRIMARY KEY,
  tag   VARCHAR(64) NOT NULL,
  UNIQUE KEY tag (tag)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
