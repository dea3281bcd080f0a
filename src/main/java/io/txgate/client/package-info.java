/** The Java client: asynchronous on Vert.x futures, with a blocking facade for plain Java programs. */
package io.txgate.client;
