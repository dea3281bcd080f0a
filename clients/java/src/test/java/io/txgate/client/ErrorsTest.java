package io.txgate.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The error model: a family per code, with code, retryable as sent, and committed per PROTOCOL.md. */
class ErrorsTest {

  private static TxgateException of(String code, boolean retryable) {
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("code", code);
    e.put("message", "m");
    e.put("retryable", retryable);
    return TxgateException.fromError(e);
  }

  @Test
  void everyCodeHasItsFamilyAndCommittedValue() {
    Object[][] table = {
      {"BAD_REQUEST", RejectedException.class, false, Committed.NO},
      {"FRAME_TOO_LARGE", RejectedException.class, false, Committed.NO},
      {"UNKNOWN_OPERATION", RejectedException.class, false, Committed.NO},
      {"FORBIDDEN", RejectedException.class, false, Committed.NO},
      {"UNAUTHENTICATED", RejectedException.class, false, Committed.NO},
      {"SQL_ERROR", SqlErrorException.class, false, Committed.NO},
      {"RESULT_TOO_LARGE", SqlErrorException.class, false, Committed.NO},
      {"CONFLICT", ConflictException.class, false, Committed.NO},
      {"UNAVAILABLE", TransientException.class, true, Committed.NO},
      {"BUSY", TransientException.class, true, Committed.NO},
      {"TIMEOUT", TransientException.class, true, Committed.NO},
      {"RETRIES_EXHAUSTED", TransientException.class, true, Committed.NO},
      {"COMMIT_UNKNOWN", CommitUnknownException.class, false, Committed.UNKNOWN},
      {"INTERNAL", InternalException.class, false, Committed.NO},
    };
    for (Object[] row : table) {
      String code = (String) row[0];
      TxgateException e = of(code, (Boolean) row[2]);
      assertSame(row[1], e.getClass(), code);
      assertEquals(code, e.code());
      assertEquals(row[2], e.retryable(), code);
      assertEquals(row[3], e.committed(), code);
      assertEquals(code + ": m", e.getMessage());
    }
  }

  @Test
  void retryableIsTakenAsTheServerSentIt() {
    assertTrue(of("SQL_ERROR", true).retryable());
    assertFalse(of("BUSY", false).retryable());
  }

  @Test
  void unknownCodesAreThePlainBaseWithNothingCommitted() {
    TxgateException e = of("SOMETHING_NEW", false);
    assertSame(TxgateException.class, e.getClass());
    assertEquals(Committed.NO, e.committed());
  }

  @Test
  void databaseDetailsStepAndRef() {
    TxgateException e = TxgateException.fromError(Map.of("code", "SQL_ERROR", "message", "no table", "retryable", false,
      "sqlState", "42S02", "vendorCode", 1146L, "step", 1L));
    assertEquals("42S02", e.sqlState());
    assertEquals(1146, e.vendorCode());
    assertEquals(1, e.step());
    assertNull(e.ref());
    TxgateException i = TxgateException.fromError(Map.of("code", "INTERNAL", "message", "internal error (ref 3f9a1c2b): x",
      "retryable", false, "ref", "3f9a1c2b"));
    assertEquals("3f9a1c2b", i.ref());
  }

  @Test
  void committedIsSpelledTheSameInEveryClient() {
    assertEquals("no", Committed.NO.toString());
    assertEquals("unknown", Committed.UNKNOWN.toString());
    assertEquals("yes", Committed.YES.toString());
    assertInstanceOf(ConnectionException.class, new ClientTimeoutException("x"));
    assertEquals(Committed.UNKNOWN, new ClientTimeoutException("x").committed());
    assertTrue(new ClientTimeoutException("x").retryable());
  }

  @Test
  void requestKeys() {
    assertEquals(36, RequestKeys.random().length());
    assertEquals(64, RequestKeys.of("invoice", "17").length());
    assertEquals(RequestKeys.of("invoice", "17"), RequestKeys.of("invoice", "17"));
    assertFalse(RequestKeys.of("ab", "c").equals(RequestKeys.of("a", "bc")));
    assertThrows(IllegalArgumentException.class, () -> RequestKeys.check(""));
    assertThrows(IllegalArgumentException.class, () -> RequestKeys.check("x".repeat(65)));
    assertEquals("x".repeat(64), RequestKeys.check("x".repeat(64)));
    assertThrows(IllegalArgumentException.class, () -> TxOptions.create().requestKey(null));
    assertThrows(IllegalArgumentException.class, () -> TxOptions.create().timeoutMs(0));
    assertThrows(IllegalArgumentException.class, () -> TxOptions.create().maxAttempts(0));
  }

  @Test
  void everyOptionReachesTheRequest() {
    Map<String, Object> req = new LinkedHashMap<>();
    TxOptions.create().isolation(Isolation.SERIALIZABLE).readOnly(true).requestKey("k").maxAttempts(2).timeoutMs(1500)
      .writeTo(req);
    assertEquals(Map.of("isolation", "SERIALIZABLE", "readOnly", true, "requestKey", "k", "maxAttempts", 2,
      "timeoutMs", 1500), req);
    Map<String, Object> step = new LinkedHashMap<>();
    Statement.of("UPDATE t SET a = ? WHERE id = ?", null, 1).expectAffectedRows(1).expectRowCount(0).writeTo(step);
    assertEquals("{\"sql\":\"UPDATE t SET a = ? WHERE id = ?\",\"params\":[null,1],"
      + "\"expect\":{\"affectedRows\":1,\"rowCount\":0}}", Json.write(step));
  }
}
