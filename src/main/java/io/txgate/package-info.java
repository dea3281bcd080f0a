/** txgate: a transaction gateway that runs every client request as its own MySQL transaction. */
package io.txgate;
