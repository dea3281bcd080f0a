package io.txgate.digest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FingerprintTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '~', textBlock = """
    SELECT * FROM t WHERE id = 7                                  | SELECT * FROM t WHERE id = ?
    select *  from t\\n where id=42                                | select * from t where id = ?
    SELECT COUNT(*), SUM(balance) FROM a                          | SELECT COUNT(*), SUM(balance) FROM a
    UPDATE a SET balance = balance - ? WHERE id = ? AND balance >= ? | UPDATE a SET balance = balance - ? WHERE id = ? AND balance >= ?
    SELECT 'x''y', "z" FROM t -- note                             | SELECT ?, ? FROM t
    SELECT /* hint */ a FROM t WHERE b IN (1, 2, 3)               | SELECT a FROM t WHERE b IN(...)
    SELECT a FROM t WHERE b IN (?,?)                              | SELECT a FROM t WHERE b IN(...)
    INSERT INTO t (a, b) VALUES (1, 'x'), (2, NULL), (3, 'z')     | INSERT INTO t(a, b) VALUES(...)
    INSERT INTO t(a,b) VALUES (?, ?)                              | INSERT INTO t(a, b) VALUES(...)
    SELECT x'ff', b'01', 0x1F, 1.5e-3, .5, _utf8mb4'a' FROM t     | SELECT ?, ?, ?, ?, ?, ? FROM t
    SELECT `weird name`.`c` FROM `weird name`                     | SELECT `weird name`.`c` FROM `weird name`
    SELECT t.a FROM db1.t WHERE a.b = TRUE                        | SELECT t.a FROM db1.t WHERE a.b = ?
    SELECT /*!50000 SQL_NO_CACHE */ a FROM t                      | SELECT SQL_NO_CACHE a FROM t
    SELECT a FROM t WHERE b IS NULL                               | SELECT a FROM t WHERE b IS NULL
    SELECT @@autocommit, @x := 5                                  | SELECT @@autocommit, @x := ?
    DO SLEEP(0.5)                                                 | DO SLEEP(?)
    SELECT a FROM t WHERE b in (1, 2)                             | SELECT a FROM t WHERE b in(...)
    """)
  void literalsBecomePlaceholdersAndSpacingIsUniform(String sql, String expected) {
    assertThat(Fingerprint.of(sql.replace("\\n", "\n"))).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '~', textBlock = """
    SELECT a FROM t WHERE id=1       | SELECT a FROM t WHERE id = 99999
    SELECT a FROM t WHERE id IN (1)  | SELECT a FROM t WHERE id IN (1,2,3,4,5,6,7,8,9)
    SELECT a FROM t WHERE s = 'a'    | SELECT a  FROM  t  WHERE  s='bbbb'
    """)
  void theSameStatementWithOtherValuesSharesOneFingerprint(String a, String b) {
    assertThat(Fingerprint.of(a)).isEqualTo(Fingerprint.of(b));
  }

  @org.junit.jupiter.api.Test
  void aHugeStatementIsCut() {
    String sql = "SELECT " + "a,".repeat(2000) + "b FROM t";
    assertThat(Fingerprint.of(sql)).hasSize(Fingerprint.MAX_LENGTH).endsWith("...");
  }
}
