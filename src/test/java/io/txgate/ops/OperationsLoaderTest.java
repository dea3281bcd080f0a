package io.txgate.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.txgate.config.ConfigException;
import io.txgate.protocol.ErrorCode;
import io.txgate.protocol.ProtocolException;
import io.txgate.protocol.Step;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OperationsLoaderTest {

  private static Operations parse(String yaml) {
    return OperationsLoader.parse("ops.yaml", yaml, 5);
  }

  private static void assertRejected(String yaml, String... fragments) {
    assertThatThrownBy(() -> parse(yaml)).isInstanceOf(ConfigException.class)
      .satisfies(e -> {
        for (String f : fragments) {
          assertThat(e.getMessage()).contains(f);
        }
      });
  }

  @Test
  void aMissingOrEmptyOperationsFileIsAnErrorNeverZeroOperations(@TempDir Path dir) throws Exception {
    assertThatThrownBy(() -> OperationsLoader.load(dir.resolve("nope.yaml"), 5)).isInstanceOf(ConfigException.class)
      .hasMessageContaining("tx.operationsFile").hasMessageContaining("TXGATE_TX_OPERATIONS_FILE")
      .hasMessageContaining(dir.resolve("nope.yaml").toString());
    assertThatThrownBy(() -> OperationsLoader.load(dir, 5)).isInstanceOf(ConfigException.class)
      .hasMessageContaining("is not a file");
    assertRejected("", "ops.yaml", "is empty", "operations: {}");
    assertRejected("# nothing but a comment\n", "is empty");
    assertRejected("operatoins: {a: {steps: [{sql: 'SELECT 1'}]}}", "has no 'operations:' map");
    // None, on purpose: an explicit empty map, or no file configured at all.
    assertThat(parse("operations: {}").size()).isZero();
    assertThat(OperationsLoader.load(Path.of(""), 5).size()).isZero();
    Path empty = Files.writeString(dir.resolve("none.yaml"), "operations: {}\n");
    assertThat(OperationsLoader.load(empty, 5).size()).isZero();
  }

  @Test
  void shippedOperationsLoad() {
    Operations ops = OperationsLoader.load(Path.of("conf/operations.yaml"), 5);
    assertThat(ops.size()).isEqualTo(3);
    Operation transfer = ops.get("transfer");
    assertThat(transfer.params()).extracting(Operation.Param::name).containsExactly("from", "to", "amount");
    assertThat(transfer.steps().get(0).sql()).isEqualTo("SELECT id FROM accounts WHERE id IN (?, ?) ORDER BY id FOR UPDATE");
    assertThat(transfer.steps().get(0).paramOrder()).containsExactly("from", "to");
    assertThat(transfer.steps().get(1).paramOrder()).containsExactly("amount", "from", "amount", "amount");
    assertThat(ops.get("balance").readOnly()).isTrue();
  }

  @Test
  void bindsArgumentsByTypeAndDefault() {
    Operations ops = parse("""
      operations:
        put:
          params:
            id: integer
            amount: decimal
            note: {type: string, default: none}
          steps:
            - sql: INSERT INTO t (id, amount, note) VALUES (:id, :amount, :note)
              expect: {affectedRows: 1}
      """);
    List<Step> steps = Operations.bind(ops.get("put"), new JsonObject().put("id", "42").put("amount", 10.5));
    assertThat(steps.get(0).statement().params()).containsExactly(42L, "10.5", "none");
    assertThat(steps.get(0).expect().affectedRows()).isEqualTo(1L);
  }

  @Test
  void bindingNamesEveryBadArgument() {
    Operation transfer = OperationsLoader.load(Path.of("conf/operations.yaml"), 5).get("transfer");
    assertThatThrownBy(() -> Operations.bind(transfer,
        new JsonObject().put("from", "one").put("amount", "ten").put("fee", 1)))
      .isInstanceOfSatisfying(ProtocolException.class, e -> {
        assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
        assertThat(e.getMessage()).contains("'from' must be a whole number", "missing 'to'",
          "'amount' must be a decimal", "unknown argument 'fee'");
      });
  }

  @Test
  void unknownNameIsUnknownOperation() {
    assertThatThrownBy(() -> parse("operations: {}").get("nope"))
      .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_OPERATION));
  }

  @Test
  void placeholdersInsideLiteralsAndCommentsAreLeftAlone() {
    Placeholders.Compiled c = Placeholders.compile(
      "SELECT ':no', `:no`, \":no\", @v := :yes /* :no */, TIME '10:00:00' -- :no\nFROM t WHERE a = :yes2");
    assertThat(c.names()).containsExactly("yes", "yes2");
    assertThat(c.sql()).contains("@v := ?").contains("'10:00:00'").endsWith("a = ?");
  }

  @Test
  void badEntriesArePointedAt() {
    assertRejected("operations: {a: {steps: [{sql: 'SELECT :x'}]}}", "operations.a.steps[0].sql", "unknown parameter :x");
    assertRejected("operations: {a: {params: {x: integer, y: integer}, steps: [{sql: 'SELECT :x'}]}}",
      "operations.a.params.y", "used by no step");
    assertRejected("operations: {a: {params: {x: money}, steps: [{sql: 'SELECT :x'}]}}", "operations.a.params.x.type");
    assertRejected("operations: {a: {isolation: SNAPSHOT, steps: [{sql: 'SELECT 1'}]}}", "operations.a.isolation");
    assertRejected("operations: {a: {stepz: [], steps: [{sql: 'SELECT 1'}]}}", "operations.a.stepz", "unknown key");
    assertRejected("operations: {a: {steps: []}}", "operations.a.steps", "non-empty");
    assertRejected("operations: {a: {steps: [{sql: 'COMMIT'}]}}", "operations.a.steps[0].sql", "not allowed");
    assertRejected("operations: {a: {steps: [{sql: 'SELECT 1'}, {sql: 'DROP TABLE t'}]}}", "steps[1].sql", "implicitly");
    assertRejected("operations: {a: {steps: [{sql: 'SELECT ?'}]}}", "use :name placeholders");
    assertRejected("operations: {a: {steps: [{sql: 'SELECT 1', expect: {rows: 1}}]}}", "operations.a.steps[0].expect.rows");
    assertRejected("operations: {a: {maxAttempts: 9, steps: [{sql: 'SELECT 1'}]}}", "operations.a.maxAttempts");
    assertRejected("operations: {a: {params: {d: {type: date, default: tomorrow}}, steps: [{sql: 'SELECT :d'}]}}",
      "operations.a.params.d.default");
    assertRejected("operations: [1, 2", "ops.yaml", "not valid YAML");
  }
}
