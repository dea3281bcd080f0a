package io.txgate.clients;

import static org.assertj.core.api.Assertions.assertThat;

import io.txgate.testsupport.ClientSuites;
import io.txgate.testsupport.SharedServer;
import io.txgate.testsupport.TestSql;
import java.io.File;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The examples of the Python and Node.js clients' READMEs run as written against the demo schema
 * (only the port differs), and leave the books balanced. The Java client's example has its own
 * test in {@link JavaClientTest}.
 */
class ReadmeExamplesTest {

  @RegisterExtension
  static final SharedServer server = new SharedServer();

  @BeforeEach
  void accounts() {
    TestSql.resetAccounts();
  }

  @Test
  void nodeExampleRunsAsWritten(@TempDir Path dir) throws Exception {
    ClientSuites.require("node");
    List<String> blocks = codeBlocks(Path.of("clients/node/README.md"), "js");
    String example = blocks.get(0);
    assertThat(example).contains("process.env.TXGATE_PORT || 7400");
    // require('txgate') resolves through node_modules, as after `npm install ./clients/node`.
    Path module = Files.createDirectories(dir.resolve("node_modules"));
    Files.createSymbolicLink(module.resolve("txgate"), Path.of("clients/node").toAbsolutePath());
    Files.writeString(dir.resolve("example.js"), example);

    String out = run(List.of("node", "example.js"), dir);
    assertThat(out).contains("CONFLICT 0 no").contains("[ '999.00', '1001.00' ]").contains("'transfer'");
    assertBooksBalance();
  }

  @Test
  void pythonExamplesRunAsWritten(@TempDir Path dir) throws Exception {
    ClientSuites.require("python3");
    List<String> blocks = codeBlocks(Path.of("clients/python/README.md"), "python");
    assertThat(blocks).hasSize(3);
    List<String> expected = List.of("CONFLICT 0 no", "8000.00", "8000.00");
    for (int i = 0; i < blocks.size(); i++) {
      TestSql.resetAccounts();
      Files.writeString(dir.resolve("example.py"), onPort(blocks.get(i), server.port()));
      String out = run(List.of("python3", "example.py"), dir);
      assertThat(out).as("example " + (i + 1)).contains(expected.get(i));
      assertBooksBalance();
    }
  }

  /** The Python examples connect to the default port, 7400: point every connect at the test server. */
  private static String onPort(String source, int port) {
    String s = source.replace("\"127.0.0.1\", 7400", "\"127.0.0.1\", " + port)
      .replace("Client(client_name=", "Client(port=" + port + ", client_name=")
      .replace("Client()", "Client(port=" + port + ")");
    assertThat(s).doesNotContain("7400");
    return s;
  }

  private static String run(List<String> command, Path dir) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
    pb.environment().put("TXGATE_PORT", Integer.toString(server.port()));
    pb.environment().put("PYTHONPATH", new File("clients/python").getAbsolutePath());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).as(out).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }

  private static void assertBooksBalance() {
    BigDecimal total = TestSql.query("SELECT SUM(balance) FROM accounts").get(0).getBigDecimal(0);
    assertThat(total).isEqualByComparingTo("8000.00");
  }

  private static List<String> codeBlocks(Path readme, String language) throws Exception {
    Matcher m = Pattern.compile("(?s)```" + language + "\n(.*?)```").matcher(Files.readString(readme));
    List<String> blocks = new ArrayList<>();
    while (m.find()) {
      blocks.add(m.group(1));
    }
    return blocks;
  }
}
