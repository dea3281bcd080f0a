/** Test support: the run's one real database, a real txgate on a free port, and a plain wire client. */
package io.txgate.testsupport;
