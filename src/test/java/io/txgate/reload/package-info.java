/** Live reload against a real server and real files: via the console, via SIGHUP, and refused. */
package io.txgate.reload;
