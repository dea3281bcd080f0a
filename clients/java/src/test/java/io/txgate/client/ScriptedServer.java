package io.txgate.client;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in for txgate's transport in the client's unit tests: accepts connections on a free port
 * and hands each, in turn, to the next script. The real server is tested in the server's test tree
 * (io.txgate.clients.JavaClientTest).
 */
final class ScriptedServer implements AutoCloseable {

  /** What one connection does. */
  interface Script {
    void run(Peer peer) throws Exception;
  }

  /** The server's side of one connection. */
  static final class Peer {
    final Socket socket;
    private final BufferedReader in;
    private final OutputStream out;

    Peer(Socket socket) throws IOException {
      this.socket = socket;
      this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      this.out = socket.getOutputStream();
    }

    /** The next request, or null when the client closed the connection. */
    @SuppressWarnings("unchecked")
    Map<String, Object> read() throws IOException {
      String line = in.readLine();
      return line == null ? null : (Map<String, Object>) Json.parse(line);
    }

    void send(String line) throws IOException {
      out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
    }

    void ok(Object id, String result) throws IOException {
      send("{\"id\":" + Json.write(id) + ",\"ok\":true,\"result\":" + result + "}");
    }

    /** Reads the hello and answers it. */
    void hello() throws IOException {
      Map<String, Object> h = read();
      if (!"hello".equals(h.get("op"))) {
        throw new IllegalStateException("expected hello, got " + h);
      }
      ok(h.get("id"), "{\"server\":\"txgate/test\",\"session\":\"" + socket.getLocalPort() + "-" + socket.getPort()
        + "\",\"protocol\":1,\"limits\":{\"maxFrameBytes\":4096}}");
    }
  }

  private final ServerSocket server;
  private final List<Throwable> failures = new CopyOnWriteArrayList<>();
  private final Thread acceptor;

  ScriptedServer(Script... scripts) throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    acceptor = new Thread(() -> {
      for (Script s : scripts) {
        try {
          Socket socket = server.accept();
          Thread t = new Thread(() -> {
            try (socket) {
              s.run(new Peer(socket));
            } catch (Throwable e) {
              failures.add(e);
            }
          }, "scripted-connection");
          t.setDaemon(true);
          t.start();
        } catch (IOException e) {
          if (!server.isClosed()) {
            failures.add(e);
          }
          return;
        }
      }
    }, "scripted-server");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  TxgateClient.Options options() {
    return new TxgateClient.Options().setHost("127.0.0.1").setPort(server.getLocalPort());
  }

  /** Errors the scripts threw. */
  List<Throwable> failures() {
    return failures;
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
