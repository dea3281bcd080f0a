/**
 * The benchmarks: a closed-loop load generator against txgate and against the database directly
 * ({@code Bench}), what an idle or churning client connection costs in memory ({@code IdleMemory}),
 * and whether the database itself keeps a multi-row read consistent under concurrent commits
 * ({@code SnapshotProbe}, no txgate in the path).
 */
package io.txgate.bench;
