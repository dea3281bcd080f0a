/**
 * The cluster-wide connection budget ({@code db.clusterMaxConnections}): each live node's share of it
 * ({@link io.txgate.budget.Shares}), and the gate in front of the pool that holds a node to its share
 * ({@link io.txgate.budget.ConnectionGate}). Nothing here exists when no budget is configured.
 */
package io.txgate.budget;
