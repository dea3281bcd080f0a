/**
 * The benchmarks: a closed-loop load generator against txgate and against the database directly
 * ({@code Bench}), and what an idle or churning client connection costs in memory ({@code IdleMemory}).
 */
package io.txgate.bench;
