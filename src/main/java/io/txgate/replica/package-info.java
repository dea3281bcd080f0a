/**
 * Read replicas: one pool per replica, a background check of its replication state and lag, and
 * the router that sends {@code readOnly} requests to a usable replica and everything else to the
 * primary.
 */
package io.txgate.replica;
