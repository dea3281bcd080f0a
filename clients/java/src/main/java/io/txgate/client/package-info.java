/**
 * The Java client of txgate: {@link io.txgate.client.TxgateClient}, blocking and asynchronous
 * ({@link java.util.concurrent.CompletableFuture}) on one pipelined connection, with nothing but the
 * JDK.
 */
package io.txgate.client;
