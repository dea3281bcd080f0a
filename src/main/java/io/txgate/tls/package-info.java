/** TLS for txgate's own ports: server options built from PEM files, and the identity a client certificate carries. */
package io.txgate.tls;
