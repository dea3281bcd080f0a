/**
 * Read replicas against real MariaDB replication on loopback (a primary and a replica the test
 * owns and faults), and the replica verdict on its own.
 */
package io.txgate.replica;
