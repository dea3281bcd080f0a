/** Secrets stored as salted PBKDF2 hashes and checked in constant time: console passwords now, client tokens next. */
package io.txgate.auth;
