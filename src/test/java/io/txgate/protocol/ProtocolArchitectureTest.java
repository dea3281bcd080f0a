package io.txgate.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The protocol package stays what its package-info promises: no sockets, no database. Read from the
 * sources rather than the class files, so that an unused import or a fully qualified name in a
 * signature is caught as well as a call.
 */
class ProtocolArchitectureTest {

  private static final Path SOURCES = Path.of(System.getProperty("basedir", "."), "src/main/java/io/txgate/protocol");

  /**
   * The MySQL client and its SQL API, sockets of the JDK and of Vert.x, and every other txgate
   * package: the server's layers depend on the protocol, never the other way round.
   */
  private static final Pattern FORBIDDEN = Pattern.compile(
    "\\b(io\\.vertx\\.sqlclient|io\\.vertx\\.mysqlclient|io\\.vertx\\.core\\.net|java\\.net|java\\.nio\\.channels"
      + "|io\\.txgate\\.(?!protocol\\b)[a-z]\\w*)\\b");

  private static final Pattern BLOCK_COMMENT = Pattern.compile("/\\*.*?\\*/", Pattern.DOTALL);

  @Test
  void protocolUsesNoDatabaseClientNoSocketAndNoOtherLayer() throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.list(SOURCES)) {
      files = s.filter(p -> p.toString().endsWith(".java")).sorted().toList();
    }
    assertThat(files).as("sources under " + SOURCES.toAbsolutePath())
      .anyMatch(p -> p.endsWith("RequestDecoder.java"))
      .anyMatch(p -> p.endsWith("ResponseEncoder.java"));
    List<String> violations = new ArrayList<>();
    for (Path file : files) {
      String[] lines = code(Files.readString(file)).split("\n", -1);
      for (int i = 0; i < lines.length; i++) {
        Matcher m = FORBIDDEN.matcher(lines[i]);
        if (m.find()) {
          violations.add(file.getFileName() + ":" + (i + 1) + ": " + m.group(1) + " in: " + lines[i].trim());
        }
      }
    }
    assertThat(violations).as("protocol/ must not reach the database, a socket or another layer").isEmpty();
  }

  @Test
  void findsAForbiddenNameInCodeButNotInAComment() {
    assertThat(FORBIDDEN.matcher(code("import io.vertx.sqlclient.Tuple;")).find()).isTrue();
    assertThat(FORBIDDEN.matcher(code("Object g = (io.vertx.mysqlclient.data.spatial.Point) v;")).find()).isTrue();
    assertThat(FORBIDDEN.matcher(code("import java.net.Socket;")).find()).isTrue();
    assertThat(FORBIDDEN.matcher(code("import io.vertx.core.net.NetSocket;")).find()).isTrue();
    assertThat(FORBIDDEN.matcher(code("import io.txgate.sql.ResultValues;")).find()).isTrue();
    assertThat(FORBIDDEN.matcher(code("import io.txgate.protocol.Request;")).find()).isFalse();
    assertThat(FORBIDDEN.matcher(code("/** see {@code io.txgate.sql} */ // and java.net")).find()).isFalse();
  }

  /** The text without comments; a block comment keeps its line breaks, so line numbers still match. */
  private static String code(String source) {
    Matcher m = BLOCK_COMMENT.matcher(source);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(sb, "\n".repeat((int) m.group().chars().filter(c -> c == '\n').count()));
    }
    m.appendTail(sb);
    return sb.toString().replaceAll("//[^\n]*", "");
  }
}
