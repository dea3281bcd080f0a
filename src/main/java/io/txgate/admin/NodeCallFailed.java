package io.txgate.admin;

/**
 * A call to another node's console that got no useful answer: the node is not a member (404), has
 * no console or is leaving (503), did not answer in time (503), or refused (its own status, e.g.
 * 404 for a session it does not have). The HTTP status the operator's node answers with travels
 * with it, so that every such case ends in a JSON error, never in a hang or a 500.
 */
final class NodeCallFailed extends RuntimeException {

  private final int status;

  NodeCallFailed(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  int status() {
    return status;
  }
}
