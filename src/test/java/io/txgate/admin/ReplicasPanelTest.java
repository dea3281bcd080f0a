package io.txgate.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.txgate.config.Keys;
import io.txgate.testsupport.Chromium;
import io.txgate.testsupport.TestServer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console's Replicas panel in a real browser (Debian's Chromium, headless): a replica that
 * nothing listens on is shown not usable, with the reason, and its URL without its password. The
 * panel's rendering is the same for a usable replica; ReadReplicaTest covers the states.
 */
class ReplicasPanelTest {

  @Test
  void panelShowsAnUnreachableReplicaWithoutItsPassword() throws Exception {
    Chromium.require();
    int nobody = TestServer.freePort();
    Path profile = Files.createTempDirectory("txgate-chromium");
    WebDriver driver = null;
    try (TestServer server = TestServer.start(new JsonObject()
        .put(Keys.DB_REPLICAS.env(), "mysql://reader:s3cret@127.0.0.1:" + nobody + "/test")
        .put(Keys.DB_PROBE_TIMEOUT_MS.env(), 500))) {
      driver = Chromium.start(profile);
      WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(30));
      wait.ignoring(StaleElementReferenceException.class);
      driver.get(server.adminUrl() + "/");

      wait.until(d -> d.findElement(By.id("replicas-panel")).isDisplayed());
      List<String> cells = wait.until(d -> {
        List<WebElement> tds = d.findElements(By.cssSelector("#replicas tbody tr td"));
        return tds.size() == 6 ? tds.stream().map(WebElement::getText).toList() : null;
      });
      assertThat(cells.get(0)).isEqualTo("mysql://reader:***@127.0.0.1:" + nobody + "/test");
      assertThat(cells.get(1)).isEqualTo("not usable");
      assertThat(cells.get(5)).contains("Connection refused");
      assertThat(driver.getPageSource()).doesNotContain("s3cret");
    } finally {
      if (driver != null) {
        driver.quit();
      }
    }
  }
}
