/**
 * Fault-injection tests: the bank under a database killed, stopped and frozen, and under txgate
 * itself killed and stopped, with real processes and a real database throughout.
 */
package io.txgate.faults;
