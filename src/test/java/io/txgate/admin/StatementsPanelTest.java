package io.txgate.admin;

import static io.txgate.testsupport.WireClient.execute;
import static org.assertj.core.api.Assertions.assertThat;

import io.txgate.testsupport.Chromium;
import io.txgate.testsupport.TestServer;
import io.txgate.testsupport.WireClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console's Statements panel in a real browser (Debian's Chromium, headless): one row per
 * statement shape, and a click on a header sorts by that figure: here "errors" puts the statement
 * that failed first, though it ran once against the other's twenty times.
 */
class StatementsPanelTest {

  @Test
  void panelShowsOneRowPerShapeAndSortsByAClickedHeader() throws Exception {
    Chromium.require();
    Path profile = Files.createTempDirectory("txgate-chromium");
    WebDriver driver = null;
    try (TestServer server = TestServer.start(); WireClient c = server.connect()) {
      for (int i = 0; i < 20; i++) {
        assertThat(c.call(execute(i, "SELECT " + i + " AS n")).getBoolean("ok")).isTrue();
      }
      assertThat(c.call(execute(99, "SELECT no_such_column FROM t_accounts_digests")).getBoolean("ok")).isFalse();
      driver = Chromium.start(profile);
      WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(30));
      wait.ignoring(StaleElementReferenceException.class);
      driver.get(server.adminUrl() + "/");

      List<String> byCalls = firstRow(wait, "SELECT ? AS n");
      assertThat(byCalls.get(2)).as("calls").isEqualTo("20");
      assertThat(driver.findElements(By.cssSelector("#statements tbody tr"))).hasSize(2);

      driver.findElement(By.cssSelector("#statements th[data-sort=errors]")).click();
      List<String> byErrors = firstRow(wait, "SELECT no_such_column FROM t_accounts_digests");
      assertThat(byErrors.get(4)).as("errors").isEqualTo("1");
      assertThat(driver.findElement(By.cssSelector("#statements th[data-sort=errors]")).getAttribute("class"))
        .contains("sorted");
      assertThat(driver.findElement(By.cssSelector("#statements tbody tr td.errors")).getAttribute("title"))
        .isEqualTo("SQL_ERROR/1054 1");
    } finally {
      if (driver != null) {
        driver.quit();
      }
    }
  }

  /** Waits until the table's first row is the statement {@code fingerprint}; returns its cells' text. */
  private static List<String> firstRow(WebDriverWait wait, String fingerprint) {
    return wait.until(d -> {
      List<WebElement> tds = d.findElements(By.cssSelector("#statements tbody tr:first-child td"));
      List<String> cells = tds.stream().map(WebElement::getText).toList();
      return cells.size() == 11 && cells.get(0).equals(fingerprint) ? cells : null;
    });
  }
}
