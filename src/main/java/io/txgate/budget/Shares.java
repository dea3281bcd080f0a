package io.txgate.budget;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How {@code db.clusterMaxConnections} is split between the live nodes: equally, the remainder one
 * connection each to the first nodes in sorted id order, and no node above its {@code db.poolSize}.
 * Every node computes the whole split from the same sorted member list, so the nodes agree on it
 * without talking to each other, and the shares never add up to more than the budget.
 *
 * <p>A budget smaller than the number of nodes leaves the last nodes with a share of 0: the bound
 * is strict, and such a node serves no request from the database (they wait, then answer BUSY)
 * until a node leaves.
 */
public final class Shares {

  private Shares() {
  }

  /**
   * Every node's share, in sorted id order.
   *
   * @param budget the connections all nodes may open together, at least 1
   * @param poolSize the most any one node opens
   * @param nodes the live members, in any order; duplicates count once
   */
  public static Map<String, Integer> all(int budget, int poolSize, List<String> nodes) {
    if (budget < 1 || poolSize < 1) {
      throw new IllegalArgumentException("budget and poolSize must be at least 1");
    }
    List<String> sorted = new ArrayList<>(new java.util.TreeSet<>(nodes));
    Map<String, Integer> shares = new LinkedHashMap<>();
    int k = sorted.size();
    for (int i = 0; i < k; i++) {
      int equal = budget / k + (i < budget % k ? 1 : 0);
      shares.put(sorted.get(i), Math.min(poolSize, equal));
    }
    return shares;
  }

  /**
   * The share of {@code self}; 0 when it is not among {@code nodes} (it has left, or not yet
   * joined): the others may already have split the whole budget between them.
   */
  public static int of(int budget, int poolSize, List<String> nodes, String self) {
    return all(budget, poolSize, nodes).getOrDefault(self, 0);
  }
}
