package io.txgate.tcp;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Mutated protocol frames for {@link ProtocolFuzzTest}. Each frame starts as one valid request
 * (hello, ping, execute, batch, call, operations; params of every type; every option), gets up to
 * two structural mutations (a value replaced by one of another type, a huge or out-of-range number,
 * deep nesting, a field removed or an extra one added) and up to three byte mutations (bits
 * flipped, bytes dropped or duplicated, line breaks, quotes or invalid UTF-8 inserted). The
 * generator is a seeded {@link Random}: the same seed gives the same frames, in the same order.
 *
 * <p>Every statement a seed carries is a SELECT, of constants or of t_* fixtures, and the named
 * operations are the harmless ones of {@code fuzz-operations.yaml}: no mutation of a byte or two can
 * turn one into a statement that changes data.
 */
final class FuzzFrames {

  private static final String MARK = "@@RAW%d@@";

  /** Valid requests the mutations start from. */
  static final List<JsonObject> SEEDS = List.of(
    new JsonObject("{\"id\":1,\"op\":\"hello\",\"client\":\"fuzz\",\"protocol\":1}"),
    new JsonObject("{\"id\":\"p-2\",\"op\":\"ping\"}"),
    new JsonObject("{\"id\":3,\"op\":\"execute\",\"sql\":\"SELECT ? AS a, ? AS b, ? AS c, ? AS d, ? AS e, ? AS f\","
      + "\"params\":[1,\"two\",3.5,true,null,{\"$base64\":\"AAEC\"}]}"),
    new JsonObject("{\"id\":4,\"op\":\"execute\",\"sql\":\"SELECT ? + ?\",\"params\":[9007199254740993,-2],"
      + "\"isolation\":\"READ_COMMITTED\",\"readOnly\":true,\"maxAttempts\":2,\"timeoutMs\":5000}"),
    new JsonObject("{\"id\":5,\"op\":\"batch\",\"steps\":["
      + "{\"sql\":\"SELECT id, owner FROM t_accounts WHERE id = ? FOR UPDATE\",\"params\":[1],\"expect\":{\"rowCount\":1}},"
      + "{\"sql\":\"SELECT COUNT(*) AS n FROM t_items WHERE tag = ?\",\"params\":[\"fuzz\"],\"expect\":{\"affectedRows\":0}}],"
      + "\"isolation\":\"SERIALIZABLE\",\"requestKey\":\"fuzz-5\"}"),
    new JsonObject("{\"id\":6,\"op\":\"call\",\"name\":\"fuzz_values\",\"args\":{\"i\":1,\"d\":\"10.50\",\"n\":2.5,"
      + "\"s\":\"x\",\"b\":true,\"day\":\"2024-02-29\",\"at\":\"2024-02-29T12:00:00\",\"bin\":{\"$base64\":\"AAE=\"}},"
      + "\"maxAttempts\":1}"),
    new JsonObject("{\"id\":7,\"op\":\"call\",\"name\":\"fuzz_account\",\"args\":{\"id\":1},\"requestKey\":\"fuzz-7\"}"),
    new JsonObject("{\"id\":\"8\",\"op\":\"operations\"}"),
    new JsonObject("{\"id\":9.5,\"op\":\"execute\",\"sql\":\"SELECT CAST(? AS DATE) AS d, UNHEX(?) AS h\","
      + "\"params\":[\"2024-02-29\",\"00ff\"],\"readOnly\":false}"));

  /** JSON values, as raw text, that a structural mutation puts somewhere. */
  static final List<String> VALUES = List.of(
    "null", "true", "false", "0", "-0", "-1", "1.5", "1E2", "2147483648", "9223372036854775808",
    "-9223372036854775809", "1e400", "-1e400", "1e-400", "9".repeat(1001), "1" + "0".repeat(400),
    "\"\"", "\"x\"", "\"" + "y".repeat(5000) + "\"", "[]", "{}", "[1,\"a\",null,[2]]",
    "{\"$base64\":\"!!\"}", "{\"$base64\":\"AAE=\",\"x\":1}", "{\"$base64\":7}",
    "[".repeat(1001) + "]".repeat(1001), "[".repeat(300) + "]".repeat(300),
    "{\"a\":".repeat(1001) + "1" + "}".repeat(1001), "\"\\ud800\"", "\"\\u0000\"", "\"READ_UNCOMMITTED\"",
    "\"SELECT 1\"", "\"SELECT ?\"", "\"COMMIT\"", "\"ping\"", "\"nope\"", "\"fuzz_values\"", "\"2024-13-45\"",
    "\"" + "z".repeat(200) + "\"");

  /** Field names an extra field gets: unknown ones and every known one, in the wrong places too. */
  static final List<String> KEYS = List.of("extra", "id", "op", "sql", "params", "steps", "name", "args",
    "isolation", "readOnly", "requestKey", "maxAttempts", "timeoutMs", "expect", "client", "protocol",
    "rowCount", "affectedRows", "$base64", "");

  /** Byte sequences a byte mutation inserts, invalid UTF-8 among them. */
  static final List<byte[]> FRAGMENTS = List.of(
    bytes("\n"), bytes("\r"), bytes("\r\n"), bytes("\""), bytes("{"), bytes("}"), bytes("["), bytes("]"),
    bytes(","), bytes(":"), bytes("\\"), bytes("\\u"), bytes("\\ud800"), bytes("1e400"), bytes("null"),
    new byte[] {0}, new byte[] {(byte) 0xFF}, new byte[] {(byte) 0xC3}, new byte[] {(byte) 0x80},
    new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
    new byte[] {(byte) 0xC0, (byte) 0xAF}, bytes("\uFF19"), bytes(" "), bytes("\t"));

  private FuzzFrames() {
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** A change to the parsed request, applied before it is encoded. */
  sealed interface Structural permits Replace, Remove, AddField, Wrap {
  }

  /** Replaces the value at one slot (object field or array element) with a raw JSON value. */
  record Replace(int slot, int value) implements Structural {
  }

  record Remove(int slot) implements Structural {
  }

  record AddField(int object, int key, int value) implements Structural {
  }

  /** Puts the whole request inside an array. */
  record Wrap() implements Structural {
  }

  /** A change to the encoded bytes; positions wrap around the frame's length. */
  sealed interface ByteMutation permits Flip, Drop, Duplicate, Insert {
  }

  record Flip(int pos, int mask) implements ByteMutation {
  }

  record Drop(int pos, int len) implements ByteMutation {
  }

  record Duplicate(int pos, int len) implements ByteMutation {
  }

  record Insert(int pos, int fragment) implements ByteMutation {
  }

  /** One mutated frame, its terminator and whether an empty line precedes it. */
  record Frame(int seed, List<Structural> structural, List<ByteMutation> mutations, boolean crlf,
               boolean blankLineBefore) {

    /** The bytes on the wire, terminator included, each line at most {@code maxLine} bytes. */
    byte[] wire(int maxLine) {
      byte[] body = FuzzFrames.mutate(FuzzFrames.restructure(SEEDS.get(seed), structural), mutations);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      if (blankLineBefore) {
        out.write('\n');
      }
      // Frames over the limit close the connection by design; they are tested on their own.
      int lineStart = out.size();
      for (byte b : body) {
        if (b == '\n') {
          lineStart = out.size() + 1;
        } else if (out.size() - lineStart >= maxLine - 1) {
          continue;
        }
        out.write(b);
      }
      out.writeBytes(crlf ? bytes("\r\n") : bytes("\n"));
      return out.toByteArray();
    }

    @Override
    public String toString() {
      String text = new String(wire(Integer.MAX_VALUE), StandardCharsets.ISO_8859_1)
        .replace("\r", "\\r").replace("\n", "\\n");
      return "Frame[seed " + seed + ", " + structural + ", " + mutations + "] "
        + (text.length() > 400 ? text.substring(0, 400) + "..." : text);
    }
  }

  static String restructure(JsonObject seed, List<Structural> changes) {
    JsonObject json = seed.copy();
    List<String> raws = new ArrayList<>();
    boolean wrap = false;
    for (Structural change : changes) {
      List<Object[]> slots = new ArrayList<>();
      List<JsonObject> objects = new ArrayList<>();
      collect(json, slots, objects);
      String mark = String.format(MARK, raws.size());
      if (change instanceof Replace r && !slots.isEmpty()) {
        set(slots.get(r.slot() % slots.size()), mark);
        raws.add(VALUES.get(r.value() % VALUES.size()));
      } else if (change instanceof Remove r && !slots.isEmpty()) {
        Object[] slot = slots.get(r.slot() % slots.size());
        if (slot[0] instanceof JsonObject o) {
          o.remove((String) slot[1]);
        } else {
          ((JsonArray) slot[0]).remove((int) slot[1]);
        }
      } else if (change instanceof AddField a) {
        objects.get(a.object() % objects.size()).put(KEYS.get(a.key() % KEYS.size()), mark);
        raws.add(VALUES.get(a.value() % VALUES.size()));
      } else if (change instanceof Wrap) {
        wrap = true;
      }
    }
    String text = json.encode();
    for (int i = 0; i < raws.size(); i++) {
      text = text.replace("\"" + String.format(MARK, i) + "\"", raws.get(i));
    }
    return wrap ? "[" + text + "]" : text;
  }

  private static void collect(Object node, List<Object[]> slots, List<JsonObject> objects) {
    if (node instanceof JsonObject o) {
      objects.add(o);
      for (String key : new ArrayList<>(o.fieldNames())) {
        slots.add(new Object[] {o, key});
        collect(o.getValue(key), slots, objects);
      }
    } else if (node instanceof JsonArray a) {
      for (int i = 0; i < a.size(); i++) {
        slots.add(new Object[] {a, i});
        collect(a.getValue(i), slots, objects);
      }
    }
  }

  private static void set(Object[] slot, String value) {
    if (slot[0] instanceof JsonObject o) {
      o.put((String) slot[1], value);
    } else {
      ((JsonArray) slot[0]).set((int) slot[1], value);
    }
  }

  static byte[] mutate(String text, List<ByteMutation> mutations) {
    byte[] b = bytes(text);
    for (ByteMutation m : mutations) {
      int n = b.length;
      if (m instanceof Flip f && n > 0) {
        int p = f.pos() % n;
        b[p] = (byte) (b[p] ^ f.mask());
      } else if (m instanceof Drop d && n > 0) {
        int p = d.pos() % n;
        int len = Math.min(d.len(), n - p);
        b = concat(slice(b, 0, p), slice(b, p + len, n));
      } else if (m instanceof Duplicate d && n > 0) {
        int p = d.pos() % n;
        int end = Math.min(n, p + d.len());
        b = concat(slice(b, 0, end), slice(b, p, n));
      } else if (m instanceof Insert i) {
        int p = i.pos() % (n + 1);
        b = concat(concat(slice(b, 0, p), FRAGMENTS.get(i.fragment() % FRAGMENTS.size())), slice(b, p, n));
      }
    }
    return b;
  }

  private static byte[] slice(byte[] b, int from, int to) {
    return java.util.Arrays.copyOfRange(b, from, to);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /** One frame, drawn from the seeded generator. */
  static Frame frame(Random random) {
    return new Frame(random.nextInt(SEEDS.size()), list(random, 2, FuzzFrames::structural),
      // Half the frames keep their bytes, so that structurally mutated requests reach the
      // decoder's checks, the operations and the database, not only the JSON parser.
      random.nextBoolean() ? List.of() : list(random, 3, FuzzFrames::byteMutation),
      random.nextBoolean(), random.nextInt(20) == 0);
  }

  private static <T> List<T> list(Random random, int max, java.util.function.Function<Random, T> one) {
    int n = random.nextInt(max + 1);
    List<T> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(one.apply(random));
    }
    return out;
  }

  private static int index(Random random) {
    return random.nextInt(100_000);
  }

  private static Structural structural(Random random) {
    int kind = random.nextInt(12);
    if (kind < 6) {
      return new Replace(index(random), index(random));
    }
    if (kind < 8) {
      return new Remove(index(random));
    }
    if (kind < 11) {
      return new AddField(index(random), index(random), index(random));
    }
    return new Wrap();
  }

  private static ByteMutation byteMutation(Random random) {
    switch (random.nextInt(4)) {
      case 0:
        return new Flip(index(random), 1 + random.nextInt(255));
      case 1:
        return new Drop(index(random), 1 + random.nextInt(8));
      case 2:
        return new Duplicate(index(random), 1 + random.nextInt(64));
      default:
        return new Insert(index(random), index(random));
    }
  }
}
