package io.txgate.testsupport;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Plain HTTP/1.1 calls to the admin console, as curl would make them. HTTP/1.1 explicitly: the JDK
 * client's default attempt to upgrade to h2c can hang against Vert.x. A fresh client per call, since
 * test servers come and go on reused port numbers.
 */
public final class Http {

  private static HttpClient client() {
    return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(10)).build();
  }

  private Http() {
  }

  public static HttpResponse<String> get(String url, String... headers) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET();
    for (int i = 0; i + 1 < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return client().send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  public static HttpResponse<String> post(String url, String... headers) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
      .POST(HttpRequest.BodyPublishers.noBody());
    for (int i = 0; i + 1 < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return client().send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
