/** Tests of TLS on txgate's ports, with certificates the tests make. */
package io.txgate.tls;
