package io.txgate.tx;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SqlLexerTest {

  /** The pieces as "KIND:text", in order. */
  private static List<String> pieces(String sql, boolean executableAsCode) {
    List<String> out = new ArrayList<>();
    SqlLexer lexer = new SqlLexer(sql, executableAsCode);
    for (SqlLexer.Piece p = lexer.next(); p != null; p = lexer.next()) {
      out.add(p.kind() + ":" + sql.substring(p.start(), p.end()));
    }
    return out;
  }

  @Test
  void executableCommentsAreCodeBetweenMarks() {
    assertThat(pieces("SELECT 'a' /*!50000 , :x */", true)).containsExactly(
      "CODE:SELECT ", "QUOTED:'a'", "CODE: ", "MARK:/*!50000", "CODE: , :x ", "MARK:*/");
    assertThat(pieces("/*M!100400 BEGIN */ /*! COMMIT*/", true)).containsExactly(
      "MARK:/*M!100400", "CODE: BEGIN ", "MARK:*/", "CODE: ", "MARK:/*!", "CODE: COMMIT", "MARK:*/");
  }

  @Test
  void readAsAnOlderServerDoesExecutableCommentsAreComments() {
    assertThat(pieces("SELECT 'a' /*!50000 , :x */ 1", false)).containsExactly(
      "CODE:SELECT ", "QUOTED:'a'", "CODE: ", "COMMENT:/*!50000 , :x */", "CODE: 1");
  }

  @Test
  void commentsAndLiterals() {
    assertThat(pieces("a /* b */ -- c\n# d\n'e''f' \"g\\\"h\" `i``j` --k", true)).containsExactly(
      "CODE:a ", "COMMENT:/* b */", "CODE: ", "COMMENT:-- c", "CODE:\n", "COMMENT:# d", "CODE:\n",
      "QUOTED:'e''f'", "CODE: ", "QUOTED:\"g\\\"h\"", "CODE: ", "QUOTED:`i``j`", "CODE: --k");
  }

  @Test
  void aCommentInsideAnExecutableCommentEndsAtTheFirstClose() {
    // The server has no nested comments: the first */ closes the inner one, the next the outer.
    assertThat(pieces("/*! a /* b */ c */ d */", true)).containsExactly(
      "MARK:/*!", "CODE: a ", "COMMENT:/* b */", "CODE: c ", "MARK:*/", "CODE: d */");
  }

  @ParameterizedTest
  @ValueSource(strings = {"'open", "/* open", "/*! open", "a \\' b", "\"x\\", "-- only", "", "*/", "/*!50000*/"})
  void piecesCoverTheStatementWithoutGapsEvenWhenUnterminated(String sql) {
    for (boolean executable : new boolean[] {true, false}) {
      SqlLexer lexer = new SqlLexer(sql, executable);
      int at = 0;
      for (SqlLexer.Piece p = lexer.next(); p != null; p = lexer.next()) {
        assertThat(p.start()).isEqualTo(at);
        assertThat(p.end()).isGreaterThan(p.start());
        at = p.end();
      }
      assertThat(at).isEqualTo(sql.length());
    }
  }
}
