/**
 * Clustering: several txgate nodes joined by the Vert.x clustered event bus over Hazelcast. Starts
 * the clustered Vert.x ({@link io.txgate.cluster.ClusterStart}) and tracks who is in the cluster
 * ({@link io.txgate.cluster.Membership}). Nothing here runs when {@code cluster.enabled} is false:
 * a lone node has a {@link io.txgate.cluster.Membership} of one and no Hazelcast at all.
 */
package io.txgate.cluster;
