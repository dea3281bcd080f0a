package io.txgate.admin;

import static io.txgate.testsupport.WireClient.execute;
import static org.assertj.core.api.Assertions.assertThat;

import io.txgate.testsupport.Chromium;
import io.txgate.testsupport.Http;
import io.txgate.testsupport.TestServer;
import io.txgate.testsupport.WireClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console in a real browser (Debian's Chromium, headless), while test clients hold sessions and
 * run requests: it shows them, its numbers move, and its kill button closes a client's connection.
 * In CI a missing browser fails this test; on a developer's machine without Chromium it is skipped.
 */
class BrowserConsoleTest {

  /**
   * 250 sessions: the table shows them a page of 100 at a time; a row that did not change is the same
   * element after the next update (rows are updated by key, not rebuilt); the charts have a time axis;
   * and at 900 px wide nothing makes the page scroll sideways.
   */
  @Test
  void manySessionsArePagedRowsAreUpdatedByKeyAndThePageFitsIn900Px() throws Exception {
    Chromium.require();
    Path profile = Files.createTempDirectory("txgate-chromium");
    List<WireClient> clients = new ArrayList<>();
    WebDriver driver = null;
    try (TestServer server = TestServer.start(new JsonObject())) {
      for (int i = 0; i < 250; i++) {
        WireClient c = server.connect();
        c.call(new JsonObject().put("id", 0).put("op", "hello").put("client", "paged-" + i));
        clients.add(c);
      }
      driver = Chromium.start(profile);
      driver.manage().window().setSize(new org.openqa.selenium.Dimension(900, 900));
      WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(30));
      wait.ignoring(StaleElementReferenceException.class);
      driver.get(server.adminUrl() + "/");
      wait.until(d -> d.findElement(By.id("session-count")).getText().equals("250 of 250"));
      assertThat(driver.findElements(By.cssSelector("#sessions tbody tr"))).hasSize(100);
      assertThat(driver.findElement(By.id("session-page")).getText()).isEqualTo("1–100");

      // Mark the first row's element, let a second update arrive, and find the mark still there.
      org.openqa.selenium.JavascriptExecutor js = (org.openqa.selenium.JavascriptExecutor) driver;
      js.executeScript("document.querySelector('#sessions tbody tr').marked = true");
      String requests = driver.findElement(By.id("requests")).getText();
      clients.get(0).call(execute(1, "SELECT 1"));
      wait.until(d -> !d.findElement(By.id("requests")).getText().equals(requests));
      assertThat(js.executeScript("return document.querySelector('#sessions tbody tr').marked === true"))
        .as("the unchanged row is the same element after an update").isEqualTo(true);

      driver.findElement(By.id("session-next")).click();
      driver.findElement(By.id("session-next")).click();
      wait.until(d -> d.findElement(By.id("session-page")).getText().equals("201–250"));
      assertThat(driver.findElements(By.cssSelector("#sessions tbody tr"))).hasSize(50);
      assertThat(driver.findElement(By.id("session-next")).isEnabled()).isFalse();

      assertThat(driver.findElements(By.cssSelector(".charts .time-axis"))).hasSize(4);
      assertThat(driver.findElement(By.cssSelector(".charts .time-axis")).getText()).endsWith("now");
      assertThat(js.executeScript("return document.documentElement.scrollWidth <= window.innerWidth"))
        .as("the page does not scroll sideways at 900 px").isEqualTo(true);
    } finally {
      if (driver != null) {
        driver.quit();
      }
      for (WireClient c : clients) {
        c.close();
      }
    }
  }

  @Test
  void consoleShowsSessionsLiveAndKillsOne() throws Exception {
    Chromium.require();

    Path profile = Files.createTempDirectory("txgate-chromium");
    AtomicBoolean running = new AtomicBoolean(true);
    List<WireClient> clients = new ArrayList<>();
    List<Thread> load = new ArrayList<>();
    WebDriver driver = null;
    // With a connection budget, so that the pool panel shows this node's share.
    try (TestServer server = TestServer.start(new JsonObject().put("TXGATE_DB_CLUSTER_MAX_CONNECTIONS", 4))) {
      for (int i = 0; i < 5; i++) {
        WireClient c = server.connect();
        c.call(new JsonObject().put("id", 0).put("op", "hello").put("client", "browser-test"));
        clients.add(c);
        Thread t = new Thread(() -> {
          for (int k = 1; running.get() && k < 1_000_000; k++) {
            try {
              c.call(execute(k, "SELECT ?", k));
              Thread.sleep(20);
            } catch (Exception closed) {
              return;
            }
          }
        });
        t.setDaemon(true);
        t.start();
        load.add(t);
      }

      driver = Chromium.start(profile);
      // The page re-renders its tables every second: an element found a moment ago may be gone.
      WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(30));
      wait.ignoring(StaleElementReferenceException.class);
      driver.get(server.adminUrl() + "/");

      wait.until(d -> d.findElement(By.id("live")).getText().equals("live"));
      wait.until(d -> rowsOf(d, "browser-test").size() == 5);
      wait.until(d -> d.findElement(By.id("connections")).getText().equals("5"));
      assertThat(driver.findElement(By.id("instances")).getText()).isEqualTo("2 protocol instances");
      // No operation has been called: their latency is unknown, not zero.
      wait.until(d -> operationCells(d, "balance").equals(List.of("balance", "0", "0", "0", "–")));
      // The page names its icon, and the console serves it as an image (no 404 in every tab).
      String icon = driver.findElement(By.cssSelector("link[rel='icon']")).getAttribute("href");
      java.net.http.HttpResponse<String> served = Http.get(icon);
      assertThat(served.statusCode()).as(icon).isEqualTo(200);
      assertThat(served.headers().firstValue("Content-Type").orElse("")).startsWith("image/svg+xml");

      // Read through the wait too: the pool list is rebuilt every second, so a cell found here can be
      // replaced before its text is read (StaleElementReference, seen once in CI).
      String requests = wait.until(d -> d.findElement(By.id("requests")).getText());
      String acquisitions = wait.until(d -> {
        String v = poolValue(d, "acquisitions");
        return v.isEmpty() ? null : v;
      });
      wait.until(d -> poolValue(d, "budget share").equals("4 of 4 (1 node)"));
      wait.until(d -> !d.findElement(By.id("requests")).getText().equals(requests));
      wait.until(d -> !poolValue(d, "acquisitions").equals(acquisitions));
      wait.until(d -> !d.findElement(By.id("rps")).getText().startsWith("0 "));
      // Where time goes: the last minute in four parts, the database's share known once requests ran.
      wait.until(d -> d.findElements(By.cssSelector("#timing tbody tr")).size() == 4);
      wait.until(d -> d.findElement(By.cssSelector("#timing tr[data-part='db'] td:nth-child(3)")).getText()
        .endsWith(" %"));

      // Filter, then kill the first session of ours.
      driver.findElement(By.id("filter")).sendKeys("browser-test");
      wait.until(d -> d.findElement(By.id("session-count")).getText().startsWith("5 of"));
      Path shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath();
      Files.createDirectories(Path.of("target"));
      Files.copy(shot, Path.of("target/console.png"), StandardCopyOption.REPLACE_EXISTING);

      String id = wait.until(d -> rowsOf(d, "browser-test").get(0).getAttribute("data-session"));
      WireClient victim = clientWithSession(server, clients, id);
      running.set(false);
      for (Thread t : load) {
        t.join(10_000);
      }
      // The first click only arms the button: nothing is killed until the confirmation.
      wait.until(d -> {
        d.findElement(By.cssSelector("button[data-kill='" + id + "']")).click();
        return true;
      });
      String armed = wait.until(d -> d.findElement(By.cssSelector("button[data-confirm='" + id + "']")).getText());
      assertThat(armed).isEqualTo("confirm kill");
      assertThat(victim.call(execute("still-here", "SELECT 1")).getBoolean("ok"))
        .as("one click kills nothing").isTrue();
      wait.until(d -> {
        d.findElement(By.cssSelector("button[data-confirm='" + id + "']")).click();
        return true;
      });
      assertThat(victim.closedByServer()).as("the killed client's connection is closed").isTrue();
      JsonArray audit = new JsonArray(Http.get(server.adminUrl() + "/api/audit").body());
      assertThat(audit.getJsonObject(audit.size() - 1).getString("action")).isEqualTo("kill");
      assertThat(audit.getJsonObject(audit.size() - 1).getString("target")).isEqualTo(id);
      wait.until(d -> rowsOf(d, "browser-test").size() == 4);
      for (WireClient c : clients) {
        if (c != victim) {
          assertThat(c.call(execute("after", "SELECT 1")).getBoolean("ok")).isTrue();
        }
      }
    } finally {
      running.set(false);
      if (driver != null) {
        driver.quit();
      }
      for (WireClient c : clients) {
        c.close();
      }
    }
  }

  private static List<WebElement> rowsOf(WebDriver d, String client) {
    return d.findElements(By.cssSelector("#sessions tbody tr")).stream()
      .filter(r -> r.findElements(By.cssSelector("td.client")).stream().anyMatch(td -> td.getText().equals(client)))
      .toList();
  }

  private static List<String> operationCells(WebDriver d, String name) {
    for (WebElement row : d.findElements(By.cssSelector("#operations tbody tr"))) {
      List<String> cells = row.findElements(By.tagName("td")).stream().map(WebElement::getText).toList();
      if (!cells.isEmpty() && cells.get(0).equals(name)) {
        return cells;
      }
    }
    return List.of();
  }

  private static String poolValue(WebDriver d, String label) {
    List<WebElement> cells = d.findElements(By.cssSelector("#pool dt, #pool dd"));
    for (int i = 0; i + 1 < cells.size(); i += 2) {
      if (cells.get(i).getText().equals(label)) {
        return cells.get(i + 1).getText();
      }
    }
    return "";
  }

  /** The test client behind a session id: the server's registry knows each session's remote port. */
  private static WireClient clientWithSession(TestServer server, List<WireClient> clients, String id) {
    String remote = server.txgate().sessions().get(id).remoteAddress();
    for (WireClient c : clients) {
      if (remote.endsWith(":" + c.socket().getLocalPort())) {
        return c;
      }
    }
    throw new AssertionError("no test client behind session " + id);
  }
}
