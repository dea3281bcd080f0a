/** The TCP side: the protocol server verticle and one session per client connection. */
package io.txgate.tcp;
