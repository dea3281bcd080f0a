package io.txgate.testsupport;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * A deliberately plain protocol client for tests: a blocking socket, raw bytes out, lines in. It
 * sees exactly what a client in any language would see on the wire.
 */
public final class WireClient implements AutoCloseable {

  private final Socket socket;
  private final OutputStream out;
  private final InputStream in;

  public WireClient(int port) throws IOException {
    this(new Socket("127.0.0.1", port));
  }

  /** Over a socket already connected, such as a TLS socket. */
  public WireClient(Socket connected) throws IOException {
    socket = connected;
    socket.setSoTimeout(60_000);
    socket.setTcpNoDelay(true);
    out = socket.getOutputStream();
    in = new java.io.BufferedInputStream(socket.getInputStream(), 64 * 1024);
  }

  public WireClient send(String line) throws IOException {
    return sendRaw((line + "\n").getBytes(StandardCharsets.UTF_8));
  }

  public WireClient send(JsonObject request) throws IOException {
    return send(request.encode());
  }

  public WireClient sendRaw(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
    return this;
  }

  /** The next response line, without its '\n'; null when the server closed the connection. */
  public String readLine() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (;;) {
      int b = in.read();
      if (b < 0) {
        return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
      }
      if (b == '\n') {
        return line.toString(StandardCharsets.UTF_8);
      }
      line.write(b);
    }
  }

  public JsonObject read() throws IOException {
    String line = readLine();
    if (line == null) {
      throw new IOException("connection closed by the server");
    }
    return new JsonObject(line);
  }

  /** Sends one request and returns its response. */
  public JsonObject call(JsonObject request) throws IOException {
    send(request);
    return read();
  }

  /** Whether the server has closed the connection (reads EOF within the socket timeout). */
  public boolean closedByServer() throws IOException {
    try {
      return in.read() < 0;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true; // reset by peer
    }
  }

  public void setTimeout(int millis) throws IOException {
    socket.setSoTimeout(millis);
  }

  public Socket socket() {
    return socket;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  // Request builders: the wire format spelled out, as a client in another language would.

  public static JsonObject execute(Object id, String sql, Object... params) {
    return new JsonObject().put("id", id).put("op", "execute").put("sql", sql)
      .put("params", new io.vertx.core.json.JsonArray(java.util.Arrays.asList(params)));
  }

  public static JsonObject step(String sql, Object... params) {
    return new JsonObject().put("sql", sql)
      .put("params", new io.vertx.core.json.JsonArray(java.util.Arrays.asList(params)));
  }

  public static JsonObject batch(Object id, JsonObject... steps) {
    return new JsonObject().put("id", id).put("op", "batch")
      .put("steps", new io.vertx.core.json.JsonArray(java.util.Arrays.asList((Object[]) steps)));
  }
}
