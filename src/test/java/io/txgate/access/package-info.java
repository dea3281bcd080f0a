/** Tests of client authentication and permissions on the protocol port, over real sockets. */
package io.txgate.access;
