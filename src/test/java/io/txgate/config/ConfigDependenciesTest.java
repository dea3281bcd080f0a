package io.txgate.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The configuration is read by every layer, so it must depend on none of them: a config class that
 * reaches into the console would drag the web layer into everything that reads a setting.
 *
 * <p>Checked on the compiled classes, not the sources: a class refers to another through its
 * constant pool, whether the source imported it or spelled its full name inline.
 */
class ConfigDependenciesTest {

  @Test
  void configReferencesNoAdminClass() throws Exception {
    List<String> offenders = referencing("io/txgate/admin/");
    assertThat(offenders).as("classes in io.txgate.config that refer to io.txgate.admin").isEmpty();
  }

  /** The config classes whose class file names an internal class name starting with {@code prefix}. */
  private static List<String> referencing(String prefix) throws IOException, URISyntaxException {
    Path dir = Path.of(TxgateConfig.class.getProtectionDomain().getCodeSource().getLocation().toURI())
      .resolve("io/txgate/config");
    // Class names sit in the constant pool as plain (modified) UTF-8, and ASCII reads back the same.
    byte[] needle = prefix.getBytes(StandardCharsets.US_ASCII);
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> classes = files.filter(f -> f.toString().endsWith(".class")).sorted().toList();
      assertThat(classes).as("compiled config classes in " + dir).isNotEmpty();
      return classes.stream()
        .filter(f -> contains(read(f), needle))
        .map(f -> f.getFileName().toString())
        .toList();
    }
  }

  private static byte[] read(Path f) {
    try {
      return Files.readAllBytes(f);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static boolean contains(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
