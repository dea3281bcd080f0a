/** Who may use the protocol port and what each client may do: credentials, permissions, rate limits. */
package io.txgate.access;
