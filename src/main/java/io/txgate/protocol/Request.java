package io.txgate.protocol;

import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * A decoded request. The {@code id} is echoed verbatim in the response: a JSON number or string.
 */
public sealed interface Request {

  Object id();

  /** The op name as it appears on the wire. */
  String op();

  /**
   * {@code {"id":1,"op":"hello","client":"billing","protocol":1}}: names the client; optional unless
   * the server has clients configured, and then first, carrying a {@code token} or a {@code jwt}.
   * {@link #toString} leaves the credential out.
   */
  record Hello(Object id, String client, int protocol, String token, String jwt) implements Request {
    public Hello(Object id, String client, int protocol) {
      this(id, client, protocol, null, null);
    }

    public String op() {
      return "hello";
    }

    /** Whether it carries a credential of any kind. */
    public boolean hasCredential() {
      return token != null || jwt != null;
    }

    @Override
    public String toString() {
      return "Hello[id=" + id + ", client=" + client + ", protocol=" + protocol
        + (token != null ? ", token=***" : "") + (jwt != null ? ", jwt=***" : "") + "]";
    }
  }

  /** {@code {"id":2,"op":"ping"}}: answered without touching the database. */
  record Ping(Object id) implements Request {
    public String op() {
      return "ping";
    }
  }

  /** {@code {"id":3,"op":"execute","sql":"SELECT ?","params":[1]}}: one statement, one transaction. */
  record Execute(Object id, Step step, TxOptions options) implements Request {
    public Execute(Object id, Statement statement) {
      this(id, new Step(statement), TxOptions.NONE);
    }

    public String op() {
      return "execute";
    }
  }

  /** {@code {"id":4,"op":"batch","steps":[{"sql":"...","params":[]}]}}: all steps, one transaction. */
  record Batch(Object id, List<Step> steps, TxOptions options) implements Request {
    public Batch {
      steps = List.copyOf(steps);
    }

    public String op() {
      return "batch";
    }
  }

  /** {@code {"id":5,"op":"call","name":"transfer","args":{"from":1,"to":2,"amount":"10.00"}}}. */
  record Call(Object id, String name, JsonObject args, TxOptions options) implements Request {
    public String op() {
      return "call";
    }
  }

  /** {@code {"id":6,"op":"operations"}}: lists the named operations and their parameters. */
  record Operations(Object id) implements Request {
    public String op() {
      return "operations";
    }
  }
}
