package io.txgate.locks;

import static io.txgate.testsupport.WireClient.batch;
import static io.txgate.testsupport.WireClient.execute;
import static io.txgate.testsupport.WireClient.step;
import static org.assertj.core.api.Assertions.assertThat;

import io.txgate.testsupport.Chromium;
import io.txgate.testsupport.TestServer;
import io.txgate.testsupport.TestSql;
import io.txgate.testsupport.WireClient;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console's Contention panel in a real browser: after a deadlock between two sessions, one
 * session holds a row lock and another waits for it; the panel names the pair, and killing the
 * blocker from it frees the waiter, whose update then commits. Its screenshot is
 * target/contention.png (docs/contention.png in the README is one of them).
 */
class LockWaitBrowserTest {

  @Test
  void killingTheBlockerFromTheConsoleFreesTheWaiter() throws Exception {
    Chromium.require();
    TestSql.update("UPDATE t_locks SET v = 0 WHERE id IN (3, 7, 8)");
    Path profile = Files.createTempDirectory("txgate-chromium");
    WebDriver driver = null;
    try (TestServer server = TestServer.start();
         WireClient a = server.connect();
         WireClient b = server.connect()) {
      String sessionA = Contention.hello(a, "billing");
      String sessionB = Contention.hello(b, "reports");
      driver = Chromium.start(profile);
      WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(30));
      wait.ignoring(StaleElementReferenceException.class);
      driver.get(server.adminUrl() + "/");

      // A deadlock first, for the panel's last-deadlock part (as DeadlockViewTest makes it).
      a.send(batch("a", step("UPDATE t_locks SET v = v + 1 WHERE id = 7"),
        step("SELECT SLEEP(2) AS browser_deadlock_holder"), step("UPDATE t_locks SET v = v + 1 WHERE id = 8")));
      Contention.awaitRunning("browser_deadlock_holder");
      b.send(batch("b", step("UPDATE t_locks SET v = v + 10 WHERE id = 8"),
        step("UPDATE t_locks SET v = v + 10 WHERE id = 7")));
      assertThat(a.read().getBoolean("ok")).isTrue();
      assertThat(b.read().getBoolean("ok")).isTrue();
      try {
        // Not asserted: on a shared database another client's deadlock may be the latest.
        new WebDriverWait(driver, Duration.ofSeconds(10)).ignoring(StaleElementReferenceException.class)
          .until(d -> !d.findElements(By.cssSelector("#last-deadlock li[data-deadlock-session='" + sessionA + "']"))
            .isEmpty());
      } catch (TimeoutException other) {
        // the screenshot shows whichever deadlock came last
      }

      // A holds row 3 while it sleeps; B wants it.
      a.send(batch("hold", step("UPDATE t_locks SET v = v + 1 WHERE id = 3"),
        step("SELECT SLEEP(20) AS browser_lock_holder")));
      Contention.awaitRunning("browser_lock_holder");
      b.send(execute("wait", "UPDATE t_locks SET v = v + 10 WHERE id = 3"));

      String pair = "#lock-waits li[data-waiter='" + sessionB + "'][data-blocker='" + sessionA + "']";
      String shown = wait.until(d -> d.findElement(By.cssSelector(pair)).getText());
      assertThat(shown).startsWith("session " + sessionB + " (reports, execute, UPDATE t_locks SET v = v + 10"
        + " WHERE id = 3) has waited ").contains(" on a lock held by session " + sessionA
        + " (billing, batch, 2 steps: UPDATE t_locks SET v = v + 1 WHERE id = 3, transaction open ");
      wait.until(d -> d.findElement(By.cssSelector(pair)).getText().matches("(?s).*has waited [1-9][0-9]*\\.\\d s.*"));
      WebElement panel = driver.findElement(By.id("locks-panel"));
      Path shot = panel.getScreenshotAs(OutputType.FILE).toPath();
      Files.createDirectories(Path.of("target"));
      Files.copy(shot, Path.of("target/contention.png"), StandardCopyOption.REPLACE_EXISTING);

      // Two clicks, as in the sessions table: the first only arms the button.
      wait.until(d -> {
        d.findElement(By.cssSelector(pair + " button[data-lock-kill='" + sessionA + "']")).click();
        return true;
      });
      wait.until(d -> {
        d.findElement(By.cssSelector(pair + " button[data-lock-confirm='" + sessionA + "']")).click();
        return true;
      });

      assertThat(a.closedByServer()).as("the blocker's connection is closed").isTrue();
      JsonObject freed = b.read();
      assertThat(freed.getBoolean("ok")).as(freed.encode()).isTrue();
      assertThat(freed.getJsonObject("result").getInteger("affectedRows")).isEqualTo(1);
      // The blocker's update rolled back; the waiter's committed.
      assertThat(Contention.value(3)).isEqualTo(10);
      wait.until(d -> d.findElements(By.cssSelector(pair)).isEmpty());
    } finally {
      if (driver != null) {
        driver.quit();
      }
    }
  }
}
