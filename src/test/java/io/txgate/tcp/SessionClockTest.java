package io.txgate.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The event loop's one clock for its sessions' idle and authentication deadlines: each deadline
 * fires once, a closed session is forgotten wherever it sits in the list (a session left behind
 * would be kept, with everything it references, for the life of the process), and the clock's
 * timer runs only while it has sessions.
 */
class SessionClockTest {

  private final Vertx vertx = Vertx.vertx();
  private final Context context = vertx.getOrCreateContext();

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** Runs {@code action} on the clock's event loop and waits for its result. */
  private <T> T onLoop(Supplier<T> action) throws Exception {
    CompletableFuture<T> result = new CompletableFuture<>();
    context.runOnContext(v -> {
      try {
        result.complete(action.get());
      } catch (RuntimeException e) {
        result.completeExceptionally(e);
      }
    });
    return result.get(10, TimeUnit.SECONDS);
  }

  private static final class Recorder implements SessionTimeouts.Expiry {
    final List<String> fired = new CopyOnWriteArrayList<>();

    @Override
    public void frameTimedOut() {
      fired.add("frame");
    }

    @Override
    public void idleTimedOut() {
      fired.add("idle");
    }

    @Override
    public void authTimedOut() {
      fired.add("auth");
    }
  }

  @Test
  void idleAndAuthenticationDeadlinesFireOnceEach() throws Exception {
    SessionClock clock = onLoop(() -> new SessionClock(vertx, 200));
    Recorder r = new Recorder();
    onLoop(() -> {
      new SessionTimeouts(vertx, clock, 0, 200, r).start(100);
      return null;
    });
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (r.fired.size() < 2 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    Thread.sleep(300); // several more ticks: nothing may fire twice
    assertThat(r.fired).containsExactly("auth", "idle");
    assertThat(onLoop(clock::ticking)).as("the clock stops once nothing is left to watch").isFalse();
  }

  @Test
  void closedSessionsLeaveTheClockWhereverTheySit() throws Exception {
    SessionClock clock = onLoop(() -> new SessionClock(vertx, 60_000));
    List<SessionTimeouts> sessions = onLoop(() -> {
      List<SessionTimeouts> all = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        SessionTimeouts t = new SessionTimeouts(vertx, clock, 0, 60_000, new Recorder());
        t.start(0);
        all.add(t);
      }
      return all;
    });
    assertThat(onLoop(clock::ticking)).isTrue();
    // Middle, head (the last added), tail, then the one left; and one twice.
    for (int i : new int[] {1, 3, 0, 0, 2}) {
      onLoop(() -> {
        sessions.get(i).stop();
        return null;
      });
    }
    assertThat(onLoop(clock::ticking)).as("every session left: no timer may keep running for none").isFalse();
    // A new session starts the clock again.
    onLoop(() -> {
      new SessionTimeouts(vertx, clock, 0, 60_000, new Recorder()).start(0);
      return null;
    });
    assertThat(onLoop(clock::ticking)).isTrue();
  }

  @Test
  void sessionWithNeitherTimeoutIsNeverOnTheClock() throws Exception {
    SessionClock clock = onLoop(() -> new SessionClock(vertx, 60_000));
    onLoop(() -> {
      new SessionTimeouts(vertx, clock, 30_000, 0, new Recorder()).start(0);
      return null;
    });
    assertThat(onLoop(clock::ticking)).isFalse();
  }
}
