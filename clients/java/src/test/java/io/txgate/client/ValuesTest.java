package io.txgate.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** PROTOCOL.md section 4, both ways. */
class ValuesTest {

  @Test
  void parametersGoOutInTheirWireForm() {
    assertNull(Values.toWire(null));
    assertEquals(42, Values.toWire(42));
    assertEquals(Long.MAX_VALUE, Values.toWire(Long.MAX_VALUE));
    assertEquals(Long.MIN_VALUE, Values.toWire(BigInteger.valueOf(Long.MIN_VALUE)));
    assertEquals("18446744073709551615", Values.toWire(new BigInteger("18446744073709551615")));
    assertEquals("10.05", Values.toWire(new BigDecimal("10.05")));
    assertEquals("1000", Values.toWire(new BigDecimal("1E+3")), "never in exponent form");
    assertEquals("0.000000001", Values.toWire(new BigDecimal("1E-9")));
    assertEquals(1.5, Values.toWire(1.5));
    assertEquals(1.1, Values.toWire(1.1f), "a float by its text, not its binary widening");
    assertEquals(true, Values.toWire(true));
    assertEquals(Map.of("$base64", "3q2+7w=="), Values.toWire(new byte[] {(byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef}));
    assertEquals(Map.of("$base64", ""), Values.toWire(new byte[0]));
    assertEquals("2024-02-29", Values.toWire(LocalDate.of(2024, 2, 29)));
    assertEquals("2024-02-29T12:00:00", Values.toWire(LocalDateTime.of(2024, 2, 29, 12, 0)), "always with seconds");
    assertEquals("2024-02-29T23:59:59.999999", Values.toWire(LocalDateTime.of(2024, 2, 29, 23, 59, 59, 999_999_000)));
    assertEquals("2024-02-29T23:59:59.500000", Values.toWire(LocalDateTime.of(2024, 2, 29, 23, 59, 59, 500_000_000)));
    assertEquals("00:00:00.000000001", Values.toWire(LocalTime.of(0, 0, 0, 1)));
    assertEquals("-838:59:59", Values.toWire(Duration.ofHours(-838).minusMinutes(59).minusSeconds(59)));
    assertEquals("-00:00:00.500000", Values.toWire(Duration.ofMillis(-500)));
    assertEquals("100:00:00", Values.toWire(Duration.ofHours(100)));
    assertEquals("h\u00e9llo \uD83D\uDE00", Values.toWire("h\u00e9llo \uD83D\uDE00"));
    assertEquals(Map.of("when", "2024-02-29", "n", List.of(1, "2")), Values.toWire(Map.of("when", LocalDate.of(2024, 2, 29),
      "n", List.of(1, new BigDecimal("2")))));
    assertThrows(IllegalArgumentException.class, () -> Values.toWire(Instant.EPOCH));
    assertThrows(IllegalArgumentException.class, () -> Values.toWire(OffsetDateTime.now()));
    assertThrows(IllegalArgumentException.class, () -> Values.toWire(Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> Values.toWire(new Object()));
  }

  @Test
  void timesBeyondADayAndFractionsComeBackExactly() {
    assertEquals(Duration.ofHours(-838).minusMinutes(59).minusSeconds(59), Values.parseTime("-838:59:59"));
    assertEquals(Duration.ofHours(838).plusMinutes(59).plusSeconds(59).plusNanos(999_999_000),
      Values.parseTime("838:59:59.999999"));
    assertEquals(Duration.ofMillis(-500), Values.parseTime("-00:00:00.5"));
    for (Duration d : List.of(Duration.ZERO, Duration.ofHours(25).plusNanos(1000), Duration.ofSeconds(-1, 250_000_000))) {
      assertEquals(d, Values.parseTime((String) Values.toWire(d)));
    }
  }

  private static ResultSet.Row row(String json) {
    @SuppressWarnings("unchecked")
    Map<String, Object> raw = (Map<String, Object>) Json.parse(json);
    return ResultSet.ofExecute(raw).row(0);
  }

  @Test
  void resultsDecodeByWireType() {
    ResultSet.Row r = row("{\"columns\":[\"i\",\"big\",\"u\",\"d\",\"f\",\"s\",\"b\",\"dt\",\"ts\",\"t\",\"j\",\"g\",\"n\"],"
      + "\"types\":[\"integer\",\"integer\",\"integer\",\"decimal\",\"float\",\"string\",\"binary\",\"date\",\"datetime\",\"time\",\"json\",\"geometry\",\"integer\"],"
      + "\"rows\":[[9007199254740991,\"9223372036854775807\",\"18446744073709551615\",\"12345678901234567890.0123456789\",1.5,"
      + "\"h\\u00e9llo \\ud83d\\ude00\",{\"$base64\":\"3q2+7w==\"},\"2024-02-29\",\"2024-02-29T23:59:59.999999\","
      + "\"-838:59:59\",\"{\\\"a\\\": 1}\",\"POINT(1.5 -2)\",null]],\"affectedRows\":0,\"lastInsertId\":0,\"attempts\":1}");
    assertEquals(9007199254740991L, r.getObject("i"));
    assertEquals(Long.MAX_VALUE, r.getObject("big"));
    assertEquals(Long.MAX_VALUE, r.getLong("big"));
    assertEquals(new BigInteger("18446744073709551615"), r.getObject("u"));
    assertThrows(ArithmeticException.class, () -> r.getLong("u"));
    assertEquals(new BigDecimal("12345678901234567890.0123456789"), r.getObject("d"));
    assertEquals(1.5, r.getObject("f"));
    assertEquals("h\u00e9llo \uD83D\uDE00", r.getObject("s"));
    assertArrayEquals(new byte[] {(byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef}, (byte[]) r.getObject("b"));
    assertEquals(LocalDate.of(2024, 2, 29), r.getObject("dt"));
    assertEquals(LocalDateTime.of(2024, 2, 29, 23, 59, 59, 999_999_000), r.getObject("ts"));
    assertEquals(Duration.ofHours(-838).minusMinutes(59).minusSeconds(59), r.getObject("t"));
    assertEquals("{\"a\": 1}", r.getObject("j"));
    assertEquals("POINT(1.5 -2)", r.getObject("g"));
    assertTrue(r.isNull("n"));
    assertNull(r.getObject("n"));
    assertNull(r.getLong("n"));
    assertNull(r.getBytes("n"));
    assertNull(r.getLocalDateTime("n"));
    assertThrows(IllegalArgumentException.class, () -> r.getObject("nope"));
  }

  @Test
  void datetimesWithoutFractionAndTimesOfDay() {
    ResultSet.Row r = row("{\"columns\":[\"ts\",\"t\",\"flag\"],\"types\":[\"datetime\",\"time\",\"integer\"],"
      + "\"rows\":[[\"2024-02-29T00:00:00\",\"23:59:59.5\",1]]}");
    assertEquals(LocalDateTime.of(2024, 2, 29, 0, 0), r.getLocalDateTime(0));
    assertEquals(LocalTime.of(23, 59, 59, 500_000_000), r.getLocalTime(1));
    assertTrue(r.getBoolean("flag"));
  }

  @Test
  void lastInsertIdBeyond63Bits() {
    @SuppressWarnings("unchecked")
    Map<String, Object> raw = (Map<String, Object>) Json.parse(
      "{\"columns\":[],\"types\":[],\"rows\":[],\"affectedRows\":1,\"lastInsertId\":\"18446744073709551615\",\"attempts\":2}");
    ResultSet rs = ResultSet.ofExecute(raw);
    assertEquals(new BigInteger("18446744073709551615"), rs.lastInsertId());
    assertEquals(1, rs.affectedRows());
    assertEquals(2, rs.attempts());
    assertFalse(rs.replayed());
  }

  @Test
  void batchAttemptsAndReplayedReachEveryStep() {
    @SuppressWarnings("unchecked")
    Map<String, Object> raw = (Map<String, Object>) Json.parse("{\"results\":["
      + "{\"columns\":[],\"types\":[],\"rows\":[],\"affectedRows\":1,\"lastInsertId\":0},"
      + "{\"columns\":[],\"types\":[],\"rows\":[],\"affectedRows\":1,\"lastInsertId\":5}],\"attempts\":3,\"replayed\":true}");
    BatchResult b = new BatchResult(raw);
    assertEquals(2, b.size());
    assertEquals(3, b.attempts());
    assertTrue(b.replayed());
    for (ResultSet rs : b) {
      assertEquals(3, rs.attempts());
      assertTrue(rs.replayed());
    }
    assertEquals(BigInteger.valueOf(5), b.get(1).lastInsertId());
    assertEquals(Arrays.asList(b.get(0), b.get(1)), b);
  }
}
