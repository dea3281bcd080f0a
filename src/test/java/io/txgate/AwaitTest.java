package io.txgate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class AwaitTest {

  @Test
  void aResultComesBack() throws Exception {
    assertThat(Await.result(Future.succeededFuture(7))).isEqualTo(7);
    assertThat(Await.orFail(Future.succeededFuture("x"), Duration.ofSeconds(5))).isEqualTo("x");
  }

  @Test
  void aFailureIsThrownAsItIsNotWrapped() {
    IOException failure = new IOException("gone");
    assertThatThrownBy(() -> Await.result(Future.failedFuture(failure))).isSameAs(failure);
    assertThatThrownBy(() -> Await.result(Future.failedFuture(failure), Duration.ofSeconds(5))).isSameAs(failure);
  }

  @Test
  void orFailWrapsTheFailureItselfOnce() {
    IOException failure = new IOException("gone", new RuntimeException("root"));
    assertThatThrownBy(() -> Await.orFail(Future.failedFuture(failure), Duration.ofSeconds(5)))
      .isInstanceOf(IllegalStateException.class).cause().isSameAs(failure);
    AssertionError error = new AssertionError("boom");
    assertThatThrownBy(() -> Await.orFail(Future.failedFuture(error), Duration.ofSeconds(5)))
      .isInstanceOf(IllegalStateException.class).cause().isSameAs(error);
  }

  @Test
  void aFutureStillPendingAtTheLimitTimesOut() {
    Future<Object> never = Promise.promise().future();
    assertThatThrownBy(() -> Await.result(never, Duration.ofMillis(1))).isInstanceOf(TimeoutException.class);
    assertThatThrownBy(() -> Await.orFail(never, Duration.ofMillis(1)))
      .isInstanceOf(IllegalStateException.class).cause().isInstanceOf(TimeoutException.class);
  }
}
