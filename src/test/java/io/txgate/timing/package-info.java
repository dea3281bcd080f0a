/** Tests of where requests' time goes: the four histograms, the console's last minute and the slow log. */
package io.txgate.timing;
