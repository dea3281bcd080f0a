package io.txgate.locks;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The "LATEST DETECTED DEADLOCK" section of {@code SHOW ENGINE INNODB STATUS}: when it happened,
 * each transaction's thread id and statement, and which one InnoDB rolled back. The section looks
 * like this on MariaDB 10.11 (MySQL 8 writes {@code MySQL thread id} and adds HOLDS THE LOCK(S)):
 *
 * <pre>
 * LATEST DETECTED DEADLOCK
 * ------------------------
 * 2026-12-03 19:56:08 0x7f6d8f7b36c0
 * *** (1) TRANSACTION:
 * TRANSACTION 624871, ACTIVE 0 sec starting index read
 * mysql tables in use 1, locked 1
 * LOCK WAIT 4 lock struct(s), heap size 1128, 2 row lock(s), undo log entries 2
 * MariaDB thread id 2790, OS thread handle 140108535379648, query id 2301929 127.0.0.1 root Updating
 * UPDATE t SET balance = balance + '13.50' WHERE id = 7
 * *** WAITING FOR THIS LOCK TO BE GRANTED:
 * ...
 * *** (2) TRANSACTION:
 * ...
 * *** WE ROLL BACK TRANSACTION (2)
 * </pre>
 *
 * The statements come with their values in them: only their fingerprints ever leave txgate.
 */
public record DeadlockReport(String at, List<Party> parties, int rolledBack) {

  /** One transaction of the deadlock: its number in the report (1, 2...), thread id and statement. */
  public record Party(int number, long threadId, String query) {
  }

  private static final String HEADING = "LATEST DETECTED DEADLOCK";
  private static final Pattern TRANSACTION = Pattern.compile("^\\*\\*\\* \\((\\d+)\\) TRANSACTION:");
  private static final Pattern THREAD = Pattern.compile("^(?:MySQL|MariaDB) thread id (\\d+),");
  private static final Pattern VICTIM = Pattern.compile("^\\*\\*\\* WE ROLL BACK TRANSACTION \\((\\d+)\\)");

  /** The latest deadlock in the status text; null when the server has seen none since it started. */
  public static DeadlockReport parse(String status) {
    int start = status.indexOf(HEADING);
    if (start < 0) {
      return null;
    }
    String[] lines = status.substring(start + HEADING.length()).split("\n");
    String at = null;
    List<Party> parties = new ArrayList<>();
    int victim = 0;
    int number = 0;
    long thread = 0;
    StringBuilder query = null;
    for (String raw : lines) {
      String line = raw.stripTrailing();
      if (line.equals("TRANSACTIONS")) {
        break; // the next section
      }
      if (at == null) {
        if (!line.isEmpty() && !line.startsWith("---")) {
          at = line;
        }
        continue;
      }
      if (query != null) {
        if (!line.startsWith("***")) {
          query.append(query.isEmpty() ? "" : "\n").append(line);
          continue;
        }
        parties.add(new Party(number, thread, query.toString().strip()));
        query = null;
      }
      Matcher m;
      if ((m = TRANSACTION.matcher(line)).find()) {
        number = Integer.parseInt(m.group(1));
        thread = 0;
      } else if (number > 0 && thread == 0 && (m = THREAD.matcher(line)).find()) {
        thread = Long.parseLong(m.group(1));
        query = new StringBuilder();
      } else if ((m = VICTIM.matcher(line)).find()) {
        victim = Integer.parseInt(m.group(1));
      }
    }
    if (query != null) {
      parties.add(new Party(number, thread, query.toString().strip()));
    }
    if (at == null || parties.isEmpty()) {
      return null;
    }
    // The timestamp line ends with the reporting thread's handle (MariaDB 0x7f..., MySQL 8 in
    // decimal): not part of the time.
    String time = at.replaceFirst("\\s+(0x[0-9a-f]+|\\d{6,})$", "");
    return new DeadlockReport(time, List.copyOf(parties), victim);
  }
}
