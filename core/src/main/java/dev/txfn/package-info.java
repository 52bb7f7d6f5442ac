/**
 * txfn: PostgreSQL transactions that always end before the callback returns.
 */
package dev.txfn;
