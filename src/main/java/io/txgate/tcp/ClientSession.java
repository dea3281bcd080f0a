package io.txgate.tcp;

import io.txgate.protocol.ErrorCode;
import io.txgate.protocol.FrameDecoder;
import io.txgate.protocol.ProtocolException;
import io.txgate.protocol.Request;
import io.txgate.protocol.RequestDecoder;
import io.txgate.protocol.Response;
import io.txgate.protocol.ResponseEncoder;
import io.txgate.tx.StopSignal;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection. Frames are decoded and run strictly one after another, in arrival order,
 * so responses come back in request order however many the client pipelines.
 *
 * <p>Flow control: while a request runs or the socket's write queue is full, at most {@link
 * #READ_HIGH_WATER} unread bytes are buffered before the socket stops reading, so neither a flood
 * of requests nor a client that never reads its responses can grow the server's memory.
 *
 * <p>Slow and idle clients: a frame must arrive within the frame timeout once begun, and a session
 * with nothing running and nothing pending is closed after the idle timeout ({@link SessionTimeouts}).
 *
 * <p>Everything here runs on the connection's event loop; no field needs synchronisation except
 * the counters the admin console reads from other threads.
 */
public final class ClientSession implements io.txgate.locks.Holder {

  private static final Logger LOG = LoggerFactory.getLogger(ClientSession.class);

  /** Buffered, not yet decoded bytes above which reading pauses while the session is busy. */
  static final int READ_HIGH_WATER = 64 * 1024;

  /** How long a connection closed for a timeout may take to flush its last bytes before it is dropped. */
  static final long CLOSE_GRACE_MS = 10_000;

  private final String id;
  private final NetSocket socket;
  private final FrameDecoder decoder;
  private final RequestDecoder requestDecoder;
  private final RequestHandler handler;
  private final Sessions sessions;
  /** The client's IP address, kept from the start: the per-address count is released by it. */
  private final String remoteHost;
  private final Vertx vertx;
  private final long frameTimeoutMs;
  private final SessionTimeouts timeouts;
  private final long connectedAt = System.currentTimeMillis();
  /** How long a connection may go without authenticating, on a server that requires it. */
  private final long authTimeoutMs;

  private final String instance;
  private volatile String clientName;
  /** The configured client this connection authenticated as; null before, or when none are configured. */
  private volatile io.txgate.access.Client client;
  /** The answer being sent is the last: the connection failed to authenticate. */
  private boolean closeAfterReply;
  /** The request being run, for operators: op, SQL or operation name, start time; null when idle. */
  private volatile InFlight inFlight;
  /** An operator killed the session: the connection closes with no further answer on it. */
  private volatile boolean killed;
  /**
   * The stop signal of the request in flight (a fresh one per request); raised by a kill or a close.
   * Null until the first request: an idle connection needs none.
   */
  private volatile StopSignal stop;
  /**
   * When this connection last committed a write: its reads go to the primary for a while after.
   * Null until the first transaction: an idle connection needs none.
   */
  private io.txgate.replica.WriteClock writes;
  private volatile long requests;
  private volatile long errors;
  private volatile long bytesIn;
  private volatile long bytesOut;
  private volatile long lastActivity = connectedAt;

  /** When the lines still buffered were complete: the start of their queueing. */
  private final FrameArrivals arrivals = new FrameArrivals();
  private boolean busy;
  private boolean readPaused;
  /** Reading is paused until the client reads its answers (the write queue is full). */
  private volatile boolean waitingForClientToRead;
  /**
   * The most received-but-unrun bytes this session ever held: what flow control bounds. Written on
   * the event loop only.
   */
  private volatile int peakUnread;
  /** No new frames are run: the server is shutting down or the stream can no longer be framed. */
  private boolean draining;
  private boolean closed;
  /** end() was called: the connection closes once the last response is flushed. */
  private boolean ended;

  /**
   * What a session is doing right now, as the console shows it. The request is kept as it is and
   * described only when someone looks, so the protocol path pays nothing for the console.
   */
  public record InFlight(Request request, long startedAtMillis) implements io.txgate.locks.Holder.Activity {
    @Override
    public String op() {
      return request.op();
    }

    @Override
    public String statement() {
      return detail();
    }

    public String detail() {
      return RequestHandler.describe(request);
    }
  }

  ClientSession(String id, NetSocket socket, RequestDecoder requestDecoder, RequestHandler handler, Sessions sessions,
                String instance, Vertx vertx, SessionClock clock, long frameTimeoutMs, long idleTimeoutMs,
                long authTimeoutMs) {
    this.id = id;
    this.instance = instance;
    this.socket = socket;
    this.decoder = new FrameDecoder(requestDecoder.limits().maxFrameBytes());
    this.requestDecoder = requestDecoder;
    this.handler = handler;
    this.sessions = sessions;
    this.remoteHost = hostOf(socket);
    this.vertx = vertx;
    this.frameTimeoutMs = frameTimeoutMs;
    this.timeouts = new SessionTimeouts(vertx, clock, frameTimeoutMs, idleTimeoutMs, new Expiry());
    this.authTimeoutMs = authTimeoutMs;
  }

  void start() {
    sessions.add(this);
    socket.handler(this::onData);
    socket.drainHandler(v -> pump());
    socket.closeHandler(v -> onClosed());
    socket.exceptionHandler(t -> LOG.debug("session {}: {}", id, t.toString()));
    socket.shutdownHandler(v -> shutdown());
    timeouts.start(handler.mustAuthenticate(this) ? authTimeoutMs : 0);
  }

  /** What the session's clocks call when they run out (one object for the three, not three lambdas). */
  private final class Expiry implements SessionTimeouts.Expiry {
    @Override
    public void frameTimedOut() {
      ClientSession.this.frameTimedOut();
    }

    @Override
    public void idleTimedOut() {
      ClientSession.this.idleTimedOut();
    }

    @Override
    public void authTimedOut() {
      ClientSession.this.authTimedOut();
    }
  }

  /**
   * No hello with a credential came within the authentication timeout: the connection slot goes to
   * someone else, far sooner than the idle timeout would free it. An authentication still being
   * checked is left to finish; its outcome closes the connection or keeps it.
   */
  private void authTimedOut() {
    if (client != null || busy || draining || closed || ended) {
      return;
    }
    LOG.debug("session {} ({}): not authenticated within {} ms, closing", id, remoteHost, authTimeoutMs);
    stopReading();
    requests++;
    handler.record("invalid", System.nanoTime(), ErrorCode.UNAUTHENTICATED.name());
    reply(Response.failure(new ProtocolException(ErrorCode.UNAUTHENTICATED,
      "no hello with a token or jwt within " + authTimeoutMs / 1000 + " s")));
    endWithin(CLOSE_GRACE_MS);
  }

  private void onData(Buffer data) {
    bytesIn += data.length();
    lastActivity = System.currentTimeMillis();
    decoder.feed(data);
    arrivals.arrived(bytesIn, System.nanoTime());
    if (decoder.buffered() > peakUnread) {
      peakUnread = decoder.buffered();
    }
    pump();
  }

  /** Runs buffered frames until one is in flight, the write queue is full or nothing is left. */
  private void pump() {
    boolean partialFrame = false;
    while (!busy && !draining && !closed && !socket.writeQueueFull()) {
      Buffer frame;
      try {
        frame = decoder.next();
      } catch (ProtocolException e) {
        // FRAME_TOO_LARGE: the rest of the stream cannot be framed; answer, then close.
        draining = true;
        reply(Response.failure(e));
        end();
        return;
      }
      if (frame == null) {
        partialFrame = decoder.buffered() > 0;
        break;
      }
      timeouts.frameCompleted();
      busy = true;
      Future<Response> response = dispatch(frame);
      if (response.isComplete()) {
        reply(response.result());
      } else {
        response.onComplete(ar -> {
          reply(ar.result());
          pump();
        });
        break;
      }
    }
    flowControl();
    timeouts.update(busy, partialFrame);
    if (draining && !busy && !closed) {
      finishDrain();
    }
  }

  private Future<Response> dispatch(Buffer frame) {
    requests++;
    long started = System.nanoTime();
    // Time behind earlier requests on this connection: from the read that completed the line.
    long queued = started - arrivals.completeAt(bytesIn - decoder.buffered(), started);
    Request request;
    try {
      request = requestDecoder.decode(frame);
    } catch (RuntimeException e) {
      // Never leave a frame unanswered: a decoding bug is INTERNAL, with a logged reference.
      ProtocolException p = io.txgate.tx.Errors.translate(e);
      if (handler.mustAuthenticate(this)) {
        // Before authentication nothing is explained, not even what was wrong with the frame.
        p = handler.unauthenticated(this, p.id());
      }
      handler.record("invalid", started, p.code().name());
      return Future.succeededFuture(Response.failure(p));
    }
    inFlight = new InFlight(request, System.currentTimeMillis());
    stop = new StopSignal();
    return handler.handle(request, this, started, queued);
  }

  private void reply(Response response) {
    busy = false;
    inFlight = null;
    // The signal's listener holds the finished request's execution, and through it the pooled
    // connection's handle and the statements: an idle session must not keep them alive.
    stop = null;
    if (!response.ok()) {
      errors++;
    }
    lastActivity = System.currentTimeMillis();
    if (closed || killed) {
      return;
    }
    Buffer out = ResponseEncoder.encode(response);
    bytesOut += out.length();
    socket.write(out);
    if (closeAfterReply) {
      // Frames pipelined behind a failed authentication are never read, let alone run.
      stopReading();
      endWithin(CLOSE_GRACE_MS);
    }
  }

  private void flowControl() {
    boolean shouldPause = (busy || socket.writeQueueFull()) && decoder.buffered() > READ_HIGH_WATER;
    if (shouldPause && !readPaused) {
      socket.pause();
      readPaused = true;
    } else if (!shouldPause && readPaused && !draining) {
      readPaused = false;
      socket.resume();
    }
    waitingForClientToRead = readPaused && !draining && socket.writeQueueFull();
  }

  /**
   * The server is shutting down: the request in flight finishes and is answered; frames already
   * received but not started are answered UNAVAILABLE (nothing of them ran, so a retry elsewhere is
   * safe); then the connection closes.
   */
  private void shutdown() {
    draining = true;
    socket.pause();
    readPaused = true;
    if (!busy) {
      finishDrain();
    }
  }

  private void finishDrain() {
    if (closed || ended) {
      return;
    }
    for (;;) {
      Buffer frame;
      try {
        frame = decoder.next();
      } catch (ProtocolException e) {
        break;
      }
      if (frame == null) {
        break;
      }
      Object requestId = null;
      try {
        requestId = requestDecoder.decode(frame).id();
      } catch (ProtocolException e) {
        requestId = e.id();
      }
      reply(Response.failure(ProtocolException.builder(ErrorCode.UNAVAILABLE, "server is shutting down")
        .id(requestId).build()));
    }
    end();
  }

  private void end() {
    ended = true;
    socket.end();
  }

  private void onClosed() {
    closed = true;
    timeouts.stop();
    sessions.remove(this);
    // Nobody is left to read the answer: the request in flight stops and rolls back rather than
    // holding its database connection and locks. Past the shutdown grace period, the server
    // closes the connections that are still busy, which lands here too.
    if (busy && stop != null) {
      stop.stop(draining ? StopSignal.Reason.SHUTDOWN : StopSignal.Reason.CLIENT_GONE);
    }
  }

  /**
   * A frame began arriving more than the frame timeout ago and is still incomplete (the bytes come
   * too slowly, or the rest never comes): the client is told, and the connection closes, since the
   * server can no longer tell what the bytes already received belong to.
   */
  private void frameTimedOut() {
    if (busy || draining || closed || ended) {
      return;
    }
    LOG.debug("session {} ({}): frame not completed within {} ms, closing", id, remoteHost, frameTimeoutMs);
    stopReading();
    requests++;
    handler.record("invalid", System.nanoTime(), ErrorCode.BAD_REQUEST.name());
    reply(Response.failure(new ProtocolException(ErrorCode.BAD_REQUEST,
      "frame not completed within " + frameTimeoutMs + " ms")));
    endWithin(CLOSE_GRACE_MS);
  }

  /** Nothing ran and nothing arrived for the idle timeout: the slot goes to someone else. */
  private void idleTimedOut() {
    if (busy || draining || closed || ended) {
      return;
    }
    LOG.debug("session {} ({}): idle, closing", id, remoteHost);
    stopReading();
    endWithin(CLOSE_GRACE_MS);
  }

  private void stopReading() {
    draining = true;
    socket.pause();
    readPaused = true;
  }

  /**
   * Closes after what is queued is written, or at the latest after {@code graceMs}: a client that
   * reads nothing would otherwise keep the connection (and its slot) open forever, since a graceful
   * close waits for the write queue to drain.
   */
  private void endWithin(long graceMs) {
    end();
    vertx.setTimer(graceMs, t -> {
      if (!closed && socket instanceof NetSocketInternal internal) {
        LOG.debug("session {} ({}): the client reads nothing, dropping the connection", id, remoteHost);
        // The context's close starts below Vert.x's own handler, which would turn a channel close
        // back into the graceful one that waits for the flush.
        internal.channelHandlerContext().close();
      }
    });
  }

  /** The remote IP address of a connection, without the port: the key of the per-address cap. */
  static String hostOf(NetSocket socket) {
    io.vertx.core.net.SocketAddress address = socket.remoteAddress();
    String host = address == null ? null : address.hostAddress();
    return host == null ? "unknown" : host;
  }

  /** The client's IP address, without the port. */
  String remoteHost() {
    return remoteHost;
  }

  /**
   * An operator's kill: the statement running for this session is stopped on the database (KILL
   * QUERY), its transaction rolls back, and the connection closes.
   */
  public Future<Void> kill() {
    killed = true;
    StopSignal s = stop;
    if (s != null) {
      s.stop(StopSignal.Reason.KILLED);
    }
    return socket.close();
  }

  /** The stop signal of the request in flight. */
  StopSignal stopSignal() {
    return stop;
  }

  /** When this connection last committed a write (read-your-writes); on the connection's event loop. */
  io.txgate.replica.WriteClock writes() {
    if (writes == null) {
      writes = new io.txgate.replica.WriteClock();
    }
    return writes;
  }

  public InFlight inFlight() {
    return inFlight;
  }

  @Override
  public io.txgate.locks.Holder.Activity activity() {
    return inFlight;
  }

  /** The protocol verticle instance (event loop) that serves this connection. */
  public String instance() {
    return instance;
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public String clientName() {
    return clientName;
  }

  /** The configured client this connection authenticated as, or null. */
  public io.txgate.access.Client client() {
    return client;
  }

  /**
   * Makes the connection {@code c}'s, taking one of its {@code maxConnections} slots (given back when
   * the session is removed). False when all are taken, or the connection is already gone.
   */
  boolean authenticated(io.txgate.access.Client c) {
    if (closed || !sessions.admitClient(c.name(), c.permissions().maxConnections())) {
      return false;
    }
    client = c;
    return true;
  }

  /** The answer about to be sent is the last one: the connection closes after it. */
  void closeAfterReply() {
    closeAfterReply = true;
  }

  void clientName(String name) {
    this.clientName = name;
  }

  /** The subject CN of the client certificate the connection handshook with; null without one. */
  public String tlsSubject() {
    return io.txgate.tls.PeerIdentity.commonName(socket);
  }

  public String remoteAddress() {
    return String.valueOf(socket.remoteAddress());
  }

  public long connectedAt() {
    return connectedAt;
  }

  public long requests() {
    return requests;
  }

  public long errors() {
    return errors;
  }

  public long bytesIn() {
    return bytesIn;
  }

  public long bytesOut() {
    return bytesOut;
  }

  public long lastActivity() {
    return lastActivity;
  }

  /**
   * Whether the session has stopped reading requests until the client reads its answers: a
   * client that pipelines without reading is held back by TCP, not buffered by the server.
   */
  public boolean waitingForClientToRead() {
    return waitingForClientToRead;
  }

  /** The most bytes received but not yet run that this session has held at once. */
  public int peakUnread() {
    return peakUnread;
  }
}
