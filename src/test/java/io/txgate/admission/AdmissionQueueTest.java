package io.txgate.admission;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The limiter and the queue on their own: who gets in, in what order, and when a kind is let go. */
class AdmissionQueueTest {

  private static final String HOT = "UPDATE a SET b = b - ? WHERE id = ?";

  private static Admission admission(int max) {
    return new Admission(new Admission.Settings(true, 1, max, 0.5, 10), null);
  }

  @Test
  void aKindThatNeverConflictedIsNeverLimitedNorEvenFingerprinted() {
    Admission a = admission(4);
    List<Future<Admission.Ticket>> in = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      in.add(a.enter(() -> {
        throw new AssertionError("the kind was computed although nothing is limited");
      }, Promise.promise().future()));
    }
    assertThat(in).allMatch(Future::succeeded);
    assertThat(a.toJson()).isEmpty();
  }

  @Test
  void conflictsCutTheLimitAndTheRestWaitFirstComeFirstServed() {
    Admission a = admission(8);
    for (int i = 0; i < 3; i++) {
      a.conflict(() -> HOT);
    }
    int limit = a.toJson().getJsonObject(0).getInteger("limit");
    assertThat(limit).as("limit after conflicts").isLessThan(8).isPositive();
    List<Future<Admission.Ticket>> in = new ArrayList<>();
    for (int i = 0; i < limit + 3; i++) {
      in.add(a.enter(() -> HOT, Promise.promise().future()));
    }
    assertThat(in.subList(0, limit)).allMatch(Future::succeeded);
    assertThat(in.subList(limit, limit + 3)).noneMatch(Future::isComplete);
    assertThat(a.toJson().getJsonObject(0).getInteger("queued")).isEqualTo(3);
    in.get(0).result().release();
    assertThat(in.get(limit).succeeded()).as("the first in the queue goes next").isTrue();
    assertThat(in.get(limit + 1).isComplete()).isFalse();
    // A ticket released twice frees one place only.
    in.get(0).result().release();
    assertThat(in.get(limit + 1).isComplete()).isFalse();
  }

  @Test
  void aWaiterThatGivesUpLeavesTheQueue() {
    Admission a = admission(2);
    for (int i = 0; i < 5; i++) {
      a.conflict(() -> HOT);
    }
    assertThat(a.toJson().getJsonObject(0).getInteger("limit")).isEqualTo(1);
    Future<Admission.Ticket> first = a.enter(() -> HOT, Promise.promise().future());
    Promise<Void> gaveUp = Promise.promise();
    Future<Admission.Ticket> impatient = a.enter(() -> HOT, gaveUp.future());
    Future<Admission.Ticket> patient = a.enter(() -> HOT, Promise.promise().future());
    gaveUp.fail("deadline");
    assertThat(impatient.failed()).isTrue();
    assertThat(a.toJson().getJsonObject(0).getInteger("queued")).isEqualTo(1);
    first.result().release();
    assertThat(patient.succeeded()).isTrue();
  }

  @Test
  void successesRaiseTheLimitBackAndTheKindIsForgotten() {
    Admission a = admission(4);
    a.conflict(() -> HOT);
    assertThat(a.toJson()).hasSize(1);
    for (int i = 0; i < 100 && !a.toJson().isEmpty(); i++) {
      Admission.Ticket t = a.enter(() -> HOT, Promise.promise().future()).result();
      a.success(() -> HOT);
      t.release();
    }
    assertThat(a.toJson()).as("kinds still limited").isEmpty();
  }

  @Test
  void aimdCutsAtMostOncePerRoundOfCompletions() {
    AimdLimit limit = new AimdLimit(1, 16, 0.5);
    limit.conflict();
    assertThat(limit.limit()).isEqualTo(8);
    // The 8 admitted under the old limit report their conflicts: they do not cut again.
    for (int i = 0; i < 8; i++) {
      limit.conflict();
    }
    assertThat(limit.limit()).isEqualTo(8);
    limit.conflict();
    assertThat(limit.limit()).isEqualTo(4);
    for (int i = 0; i < 1000; i++) {
      limit.success();
    }
    assertThat(limit.limit()).isEqualTo(16);
    assertThat(limit.atMax()).isTrue();
  }
}
