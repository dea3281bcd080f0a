/** The admin console: a web verticle serving live sessions, pool and throughput, its JSON API and metrics. */
package io.txgate.admin;
