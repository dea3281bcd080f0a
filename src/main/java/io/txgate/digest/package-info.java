/**
 * Statement digests: what each kind of statement costs and how often it collides. A statement is
 * counted under its fingerprint, its text with the literals taken out ({@link Fingerprint}), so that
 * the same statement with other values is one row, not thousands.
 */
package io.txgate.digest;
