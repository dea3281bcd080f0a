/** Named operations: a database API defined in conf/operations.yaml, checked at start-up, called by name. */
package io.txgate.ops;
