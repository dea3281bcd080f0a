package io.txgate.db;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * What the database server last said about a connection's session: the status flags that every OK
 * and EOF packet carries (MySQL Client/Server Protocol, "OK_Packet" and "EOF_Packet";
 * {@code SERVER_STATUS_IN_TRANS} 0x0001, {@code SERVER_STATUS_AUTOCOMMIT} 0x0002).
 *
 * <p>It sits in the connection's Netty pipeline right after the driver's packet framer, so it sees
 * each whole packet once and passes it on untouched. When the connection is idle, the last packet
 * was the final answer to the last command, and its flags are the server's own word on whether a
 * transaction is still open: that is what decides whether a connection may go back to the pool.
 * Packets in the middle of a result set (rows, column definitions) may be misread as OK packets;
 * that does not matter, since only the last packet before the connection goes idle is ever used.
 */
public final class ServerStatus extends ChannelInboundHandlerAdapter {

  /** The handler's name in the pipeline. */
  public static final String NAME = "txgateServerStatus";

  static final int IN_TRANS = 0x0001;
  static final int AUTOCOMMIT = 0x0002;
  private static final int OK = 0x00;
  private static final int EOF = 0xFE;
  private static final int ERR = 0xFF;

  /** The flags of the last OK or EOF packet, or -1 after an error packet or before any answer. */
  private volatile int flags = -1;
  /** The server's id for this session ({@code CONNECTION_ID()}), 0 until read. */
  volatile long connectionId;
  /** Whether the server is MariaDB (its statement time limit has another name than MySQL's). */
  volatile boolean mariadb;

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf packet) {
      read(packet);
    }
    ctx.fireChannelRead(msg);
  }

  /** Reads one framed packet (4-byte header, then the payload) without moving its reader index. */
  void read(ByteBuf packet) {
    int start = packet.readerIndex();
    if (packet.readableBytes() < 5) {
      return;
    }
    int length = packet.getUnsignedMediumLE(start);
    int header = packet.getUnsignedByte(start + 4);
    int payload = start + 4;
    if (header == ERR) {
      // An error may or may not have ended the transaction (a deadlock rolls it back, most errors
      // do not): the state is unknown until the next OK.
      flags = -1;
    } else if (header == EOF && length == 5) {
      // Classic EOF_Packet: header, warnings (2), status (2).
      flags = packet.getUnsignedShortLE(payload + 3);
    } else if ((header == OK || header == EOF) && length >= 7 && length < 0xFFFFFF) {
      // OK_Packet (or, with CLIENT_DEPRECATE_EOF, an OK_Packet that ends a result set): header,
      // affected rows and last insert id as length-encoded integers, then the status flags.
      int i = payload + 1;
      i += lengthEncodedSize(packet, i);
      i += lengthEncodedSize(packet, i);
      if (i + 2 <= payload + length && i + 2 <= packet.writerIndex()) {
        flags = packet.getUnsignedShortLE(i);
      }
    }
  }

  private static int lengthEncodedSize(ByteBuf b, int at) {
    if (at >= b.writerIndex()) {
      return 1;
    }
    int first = b.getUnsignedByte(at);
    return first < 0xFB ? 1 : first == 0xFC ? 3 : first == 0xFD ? 4 : first == 0xFE ? 9 : 1;
  }

  /** True when the server's last answer said that no transaction is open and autocommit is on. */
  public boolean clean() {
    int f = flags;
    return f >= 0 && (f & IN_TRANS) == 0 && (f & AUTOCOMMIT) != 0;
  }

  /** True when the server's last answer said that a transaction is open. */
  public boolean inTransaction() {
    int f = flags;
    return f >= 0 && (f & IN_TRANS) != 0;
  }

  /** True when the server's last answer said that autocommit is off. */
  public boolean autocommitOff() {
    int f = flags;
    return f >= 0 && (f & AUTOCOMMIT) == 0;
  }

  /** For messages: what the server last said. */
  public String describe() {
    int f = flags;
    if (f < 0) {
      return "unknown (last answer was an error)";
    }
    return ((f & IN_TRANS) != 0 ? "transaction open" : "no transaction")
      + ((f & AUTOCOMMIT) != 0 ? ", autocommit on" : ", autocommit off");
  }
}
