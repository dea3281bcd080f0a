/** Typed configuration: keys with defaults, read from conf/config.yaml, TXGATE_* environment variables and system properties. */
package io.txgate.config;
