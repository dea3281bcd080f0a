/** The command line: arguments, usage, and the configuration check that starts nothing. */
package io.txgate.cli;
