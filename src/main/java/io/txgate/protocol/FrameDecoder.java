package io.txgate.protocol;

import io.vertx.core.buffer.Buffer;

/**
 * Splits a byte stream into frames: one frame per line, ended by {@code \n}; a {@code \r} right
 * before the {@code \n} is dropped too. On the wire:
 *
 * <pre>
 * {"id":1,"op":"ping"}\n{"id":2,"op":"ping"}\r\n
 * </pre>
 *
 * yields two frames, {@code {"id":1,"op":"ping"}} and {@code {"id":2,"op":"ping"}}.
 *
 * <p>The decoder is pull based: {@link #feed} appends what the socket delivered, {@link #next}
 * hands out one complete frame at a time. The caller decides when to pull, so a connection that
 * pipelines thousands of requests never has more than one of them decoded ahead of execution.
 *
 * <p>A frame may hold at most {@code maxFrameBytes} bytes, not counting its terminator. The decoder
 * never buffers more than that plus what one read delivered: once an unterminated line is longer
 * than the limit, {@link #next} throws {@link ErrorCode#FRAME_TOO_LARGE} without waiting for the rest.
 */
public final class FrameDecoder {

  private final int maxFrameBytes;
  /**
   * What was received and not yet handed out; null while that is nothing, so that an idle
   * connection holds no buffer at all (a fresh one costs 300 bytes, one a large frame grew costs
   * that frame's size).
   */
  private Buffer buf;
  private int start;
  /** Where the search for the next '\n' resumes, so no byte is scanned twice. */
  private int scan;
  private boolean failed;

  public FrameDecoder(int maxFrameBytes) {
    if (maxFrameBytes < 1) {
      throw new IllegalArgumentException("maxFrameBytes must be positive: " + maxFrameBytes);
    }
    this.maxFrameBytes = maxFrameBytes;
  }

  /** Appends bytes read from the connection. */
  public void feed(Buffer data) {
    if (failed) {
      return;
    }
    if (buf == null) {
      buf = Buffer.buffer(data.length());
    } else if (start > 64 * 1024 && start > buf.length() / 2) {
      buf = buf.getBuffer(start, buf.length());
      scan -= start;
      start = 0;
    }
    buf.appendBuffer(data);
  }

  /**
   * The next complete frame without its terminator, or null when no complete frame is buffered.
   *
   * @throws ProtocolException with {@link ErrorCode#FRAME_TOO_LARGE} once a frame is over the limit;
   *     the decoder then stays failed, since the rest of the stream can no longer be framed reliably
   */
  public Buffer next() {
    if (failed) {
      throw tooLarge();
    }
    if (buf == null) {
      return null;
    }
    int end = buf.length();
    for (int i = scan; i < end; i++) {
      if (buf.getByte(i) == '\n') {
        int frameEnd = i > start && buf.getByte(i - 1) == '\r' ? i - 1 : i;
        if (frameEnd - start > maxFrameBytes) {
          failed = true;
          throw tooLarge();
        }
        Buffer frame = buf.getBuffer(start, frameEnd);
        start = i + 1;
        scan = start;
        if (start == end) {
          // Everything was consumed: drop the buffer rather than keep it, however large it grew.
          buf = null;
          start = 0;
          scan = 0;
        }
        return frame;
      }
    }
    scan = end;
    // One byte of slack: the last byte may be the '\r' of a "\r\n" that is still on its way.
    if (end - start > maxFrameBytes + 1) {
      failed = true;
      throw tooLarge();
    }
    return null;
  }

  /** Bytes received but not yet handed out as frames. */
  public int buffered() {
    return buf == null ? 0 : buf.length() - start;
  }

  private ProtocolException tooLarge() {
    return new ProtocolException(ErrorCode.FRAME_TOO_LARGE,
      "frame exceeds " + maxFrameBytes + " bytes");
  }
}
