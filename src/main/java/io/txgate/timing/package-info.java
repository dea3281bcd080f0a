/** Where a request's time goes (connection wait, database, retry backoff, queueing), as histograms and the slow log. */
package io.txgate.timing;
