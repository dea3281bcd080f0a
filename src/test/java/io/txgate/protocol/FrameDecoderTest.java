package io.txgate.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FrameDecoderTest {

  private static List<String> drain(FrameDecoder d) {
    List<String> frames = new ArrayList<>();
    for (Buffer f = d.next(); f != null; f = d.next()) {
      frames.add(f.toString(StandardCharsets.UTF_8));
    }
    return frames;
  }

  @Test
  void decodesInputFedOneByteAtATime() {
    FrameDecoder d = new FrameDecoder(1024);
    byte[] wire = "{\"id\":1,\"op\":\"ping\"}\n{\"id\":2,\"op\":\"ping\"}\r\n".getBytes(StandardCharsets.UTF_8);
    List<String> frames = new ArrayList<>();
    for (byte b : wire) {
      d.feed(Buffer.buffer(new byte[] {b}));
      frames.addAll(drain(d));
    }
    assertThat(frames).containsExactly("{\"id\":1,\"op\":\"ping\"}", "{\"id\":2,\"op\":\"ping\"}");
    assertThat(d.buffered()).isZero();
  }

  @Test
  void splitsTwoFramesInOneBuffer() {
    FrameDecoder d = new FrameDecoder(1024);
    d.feed(Buffer.buffer("{\"id\":1}\n{\"id\":2}\n{\"id\":"));
    assertThat(drain(d)).containsExactly("{\"id\":1}", "{\"id\":2}");
    assertThat(d.buffered()).isEqualTo(6);
    d.feed(Buffer.buffer("3}\n"));
    assertThat(drain(d)).containsExactly("{\"id\":3}");
    assertThat(d.buffered()).isZero();
  }

  @Test
  void acceptsCarriageReturnLineFeed() {
    FrameDecoder d = new FrameDecoder(1024);
    d.feed(Buffer.buffer("a\r\nb\n\r\n"));
    assertThat(drain(d)).containsExactly("a", "b", "");
  }

  @Test
  void acceptsFrameExactlyAtTheLimit() {
    FrameDecoder d = new FrameDecoder(16);
    d.feed(Buffer.buffer("x".repeat(16) + "\n" + "y".repeat(16) + "\r\n"));
    assertThat(drain(d)).containsExactly("x".repeat(16), "y".repeat(16));
  }

  @Test
  void rejectsFrameOneByteOverTheLimit() {
    FrameDecoder d = new FrameDecoder(16);
    d.feed(Buffer.buffer("x".repeat(17) + "\n"));
    assertThatThrownBy(d::next).isInstanceOfSatisfying(ProtocolException.class,
      e -> assertThat(e.code()).isEqualTo(ErrorCode.FRAME_TOO_LARGE));
  }

  @Test
  void rejectsOverlongLineBeforeItsEndArrives() {
    FrameDecoder d = new FrameDecoder(16);
    d.feed(Buffer.buffer("x".repeat(18)));
    assertThatThrownBy(d::next).isInstanceOf(ProtocolException.class);
    // Stays failed: the stream cannot be re-synchronised.
    d.feed(Buffer.buffer("\n{\"id\":1}\n"));
    assertThatThrownBy(d::next).isInstanceOf(ProtocolException.class);
  }

  @Test
  void waitsForTheLastByteOfAFrameAtTheLimitPlusCarriageReturn() {
    FrameDecoder d = new FrameDecoder(16);
    d.feed(Buffer.buffer("x".repeat(16) + "\r"));
    assertThat(d.next()).isNull();
    d.feed(Buffer.buffer("\n"));
    assertThat(drain(d)).containsExactly("x".repeat(16));
  }

  @Test
  void keepsMultiByteCharactersSplitAcrossReads() {
    FrameDecoder d = new FrameDecoder(64);
    byte[] wire = "{\"s\":\"h\u00e9llo \uD83D\uDE00\"}\n".getBytes(StandardCharsets.UTF_8);
    d.feed(Buffer.buffer(java.util.Arrays.copyOfRange(wire, 0, 9)));
    assertThat(d.next()).isNull();
    d.feed(Buffer.buffer(java.util.Arrays.copyOfRange(wire, 9, wire.length)));
    assertThat(drain(d)).containsExactly("{\"s\":\"h\u00e9llo \uD83D\uDE00\"}");
  }

  @Test
  void compactsAfterManyFrames() {
    FrameDecoder d = new FrameDecoder(64);
    String frame = "z".repeat(40) + "\n";
    for (int i = 0; i < 10_000; i++) {
      d.feed(Buffer.buffer(frame));
      assertThat(d.next()).isNotNull();
    }
    assertThat(d.buffered()).isZero();
  }
}
