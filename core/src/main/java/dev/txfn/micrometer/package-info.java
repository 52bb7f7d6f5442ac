/**
 * The figures of {@link dev.txfn.Tx#metrics()} as Micrometer meters: {@link dev.txfn.micrometer.TxfnMetrics}.
 * Micrometer ({@code io.micrometer:micrometer-core}) is an optional dependency of txfn; nothing outside this
 * package refers to it, so an application without Micrometer never loads it.
 */
package dev.txfn.micrometer;
