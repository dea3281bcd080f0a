package io.txgate.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class RateLimiterTest {

  private static Client client(int requestsPerSecond) {
    return new Client("c", new Client.Jwt(), new Permissions(true, Set.of(), false, 0, requestsPerSecond));
  }

  @Test
  void aClientsNewRateAppliesFromItsNextRequest() {
    RateLimiter rates = new RateLimiter();
    assertThat(rates.tryAcquire(client(1))).isTrue();
    // A reload raised the rate: the next requests are measured against it, not against the old
    // bucket, which would take 500 s to grant as many.
    int granted = 0;
    for (int i = 0; i < 500; i++) {
      granted += rates.tryAcquire(client(1000)) ? 1 : 0;
    }
    assertThat(granted).isEqualTo(500);
  }
}
