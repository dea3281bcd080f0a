package io.txgate.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

  @Test
  void readsEveryKindOfValue() {
    Object v = Json.parse(" {\"a\": [1, -2, 9007199254740993, 18446744073709551615, 1.5, -2e3, true, false, null],"
      + " \"s\": \"h\\u00e9llo \\ud83d\\ude00 \\\"q\\\" \\\\ \\/ \\n\\t\", \"o\": {}} ");
    Map<?, ?> m = (Map<?, ?>) v;
    assertEquals(Arrays.asList(1L, -2L, 9007199254740993L, new BigInteger("18446744073709551615"), 1.5, -2000.0,
      true, false, null), m.get("a"));
    assertEquals("h\u00e9llo \uD83D\uDE00 \"q\" \\ / \n\t", m.get("s"));
    assertEquals(Map.of(), m.get("o"));
  }

  @Test
  void refusesMalformedText() {
    for (String bad : List.of("", "{", "[1,]", "{\"a\" 1}", "\"abc", "01x", "tru", "{} x", "\"\\x\"", "-", "1.", "1e")) {
      assertThrows(IllegalArgumentException.class, () -> Json.parse(bad), bad);
    }
  }

  @Test
  void writesWhatItReads() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", 7L);
    m.put("s", "line\nbreak \u0001 \"q\" \\ \u2028 \uD83D\uDE00");
    m.put("n", null);
    m.put("big", new BigInteger("-18446744073709551616"));
    m.put("d", 0.1);
    m.put("dec", new BigDecimal("1E+3"));
    m.put("l", List.of(true, false));
    String text = Json.write(m);
    assertEquals(false, text.contains("\n"), "a frame must not hold a raw newline");
    assertEquals("{\"id\":7,\"s\":\"line\\nbreak \\u0001 \\\"q\\\" \\\\ \\u2028 \uD83D\uDE00\",\"n\":null,"
      + "\"big\":-18446744073709551616,\"d\":0.1,\"dec\":1000,\"l\":[true,false]}", text);
    Map<String, Object> back = new LinkedHashMap<>(m);
    back.put("dec", 1000L);
    assertEquals(back, Json.parse(text));
  }

  @Test
  void refusesNonFiniteNumbers() {
    assertThrows(IllegalArgumentException.class, () -> Json.write(Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> Json.write(Double.POSITIVE_INFINITY));
  }
}
