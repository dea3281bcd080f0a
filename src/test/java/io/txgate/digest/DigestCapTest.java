package io.txgate.digest;

import static io.txgate.testsupport.WireClient.execute;
import static org.assertj.core.api.Assertions.assertThat;

import io.txgate.config.Keys;
import io.txgate.testsupport.Http;
import io.txgate.testsupport.TestServer;
import io.txgate.testsupport.WireClient;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The digest table never holds more than its cap, however many distinct statements arrive; each one
 * past the cap evicts exactly one entry, the least recently used one.
 */
class DigestCapTest {

  private static final int CAP = 2000;
  private static final int DISTINCT = 100_000;

  @Test
  void aHundredThousandDistinctStatementsNeverExceedTheCap() {
    DigestTable table = new DigestTable(CAP);
    int maxSize = 0;
    int maxCached = 0;
    for (int i = 0; i < DISTINCT; i++) {
      // A distinct column name makes a distinct fingerprint; a distinct number would not.
      table.digest("SELECT c" + i + " FROM t WHERE id = " + i, "");
      maxSize = Math.max(maxSize, table.size());
      maxCached = Math.max(maxCached, table.cachedFingerprints());
    }
    assertThat(maxCached).as("texts whose fingerprint is remembered").isLessThanOrEqualTo(DigestTable.FINGERPRINT_CACHE);
    assertThat(maxSize).isEqualTo(CAP);
    assertThat(table.size()).isEqualTo(CAP);
    assertThat(table.evictions()).isEqualTo(DISTINCT - CAP);
  }

  @Test
  void theCapHoldsWithTwoThreadsInserting() throws Exception {
    DigestTable table = new DigestTable(CAP);
    AtomicInteger maxSize = new AtomicInteger();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 2; t++) {
      int thread = t;
      Thread worker = new Thread(() -> {
        for (int i = 0; i < DISTINCT / 2; i++) {
          table.get("SELECT c" + i + " FROM t" + thread, "");
          maxSize.accumulateAndGet(table.size(), Math::max);
        }
      });
      worker.start();
      threads.add(worker);
    }
    for (Thread t : threads) {
      t.join();
    }
    assertThat(maxSize.get()).isLessThanOrEqualTo(CAP);
    assertThat(table.size()).isEqualTo(CAP);
    assertThat(table.evictions()).isEqualTo(DISTINCT - CAP);
  }

  /** A digest in use survives a flood of new ones that would push out the oldest entries first. */
  @Test
  void theLeastRecentlyUsedEntryGoesNotOneInUse() throws Exception {
    DigestTable table = new DigestTable(CAP);
    Digest hot = table.get("SELECT hot FROM t", "");
    for (int i = 0; i < DISTINCT; i++) {
      table.get("SELECT c" + i + " FROM t", "");
      if (i % 100 == 0) {
        // In use: counted, which is what refreshes its place. A millisecond apart at least, since
        // the last-used time moves in steps of one.
        Thread.sleep(1);
        hot.succeeded(1000, 1, System.nanoTime());
      }
    }
    assertThat(table.get("SELECT hot FROM t", "")).as("the digest in use is still the same entry").isSameAs(hot);
    assertThat(hot.calls()).isEqualTo(DISTINCT / 100);
    assertThat(table.size()).isEqualTo(CAP);
  }

  /** End to end, with a small cap: what GET /api/statements says of the table. */
  @Test
  void theApiShowsTheCapAndTheEvictions() throws Exception {
    int cap = 10;
    int sent = 50;
    try (TestServer server = TestServer.start(new JsonObject().put(Keys.OBSERVABILITY_DIGEST_CAP.env(), cap));
         WireClient c = server.connect()) {
      for (int i = 0; i < sent; i++) {
        JsonObject r = c.call(execute(i, "SELECT " + i + " AS c" + i));
        assertThat(r.getBoolean("ok")).as(r.encode()).isTrue();
      }
      JsonObject body = new JsonObject(Http.get(server.adminUrl() + "/api/statements?limit=1000").body());
      assertThat(body.getInteger("cap")).isEqualTo(cap);
      assertThat(body.getInteger("size")).isEqualTo(cap);
      assertThat(body.getJsonArray("statements")).hasSize(cap);
      assertThat(body.getLong("evictions")).isEqualTo(sent - cap);
      // The newest ten stayed.
      assertThat(body.getJsonArray("statements").stream().map(o -> ((JsonObject) o).getString("fingerprint")))
        .contains("SELECT ? AS c49", "SELECT ? AS c40").doesNotContain("SELECT ? AS c0");
    }
  }
}
