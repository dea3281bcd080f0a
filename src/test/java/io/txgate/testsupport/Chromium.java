package io.txgate.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's Chromium, headless, driven through its chromedriver, for the console's browser tests:
 * with the flags that keep it off the network and out of its first-run chores.
 */
public final class Chromium {

  private static final File CHROMIUM = new File("/usr/bin/chromium");
  private static final File DRIVER = new File("/usr/bin/chromedriver");

  private Chromium() {
  }

  /** Skips the calling test on a machine without Chromium; in CI (where .ci/run installs it) fails it. */
  public static void require() {
    boolean browser = CHROMIUM.canExecute() && DRIVER.canExecute();
    if (!browser && System.getenv("CI") == null) {
      Assumptions.abort("Chromium not installed (apt-get install chromium chromium-driver); CI installs it");
    }
    assertThat(browser).as("Chromium and chromedriver at /usr/bin (installed by .ci/run)").isTrue();
  }

  /** A headless browser with {@code profile} (an empty directory) as its user data directory. */
  public static ChromeDriver start(Path profile) {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM);
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
      "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync",
      "--window-size=1400,1000", "--user-data-dir=" + profile);
    return new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(DRIVER).usingAnyFreePort()
      .build(), options);
  }
}
