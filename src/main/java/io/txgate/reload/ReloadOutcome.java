package io.txgate.reload;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * How one reload ended.
 *
 * @param changes what it applied, one line each
 * @param needsRestart the keys whose new value differs from the running one and takes a restart
 * @param error why nothing was applied, naming the key, file or entry; null when it was
 */
public record ReloadOutcome(List<String> changes, List<String> needsRestart, String error) {

  static ReloadOutcome applied(List<String> changes, List<String> needsRestart) {
    return new ReloadOutcome(List.copyOf(changes), List.copyOf(needsRestart), null);
  }

  static ReloadOutcome refused(String error) {
    return new ReloadOutcome(List.of(), List.of(), error);
  }

  public boolean reloaded() {
    return error == null;
  }

  /** {@code {reloaded, changes, needsRestart}}, or {@code {error}}: what POST /api/reload answers. */
  public JsonObject toJson() {
    if (!reloaded()) {
      return new JsonObject().put("reloaded", false).put("error", error);
    }
    return new JsonObject().put("reloaded", true).put("changes", new JsonArray(changes))
      .put("needsRestart", new JsonArray(needsRestart));
  }

  /** One line for the log and the audit. */
  public String summary() {
    if (!reloaded()) {
      return "refused, nothing changed: " + error;
    }
    return "reloaded: " + (changes.isEmpty() ? "no change" : String.join("; ", changes))
      + (needsRestart.isEmpty() ? "" : "; needs a restart, not applied: " + String.join(", ", needsRestart));
  }
}
