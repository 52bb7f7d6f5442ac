package dev.txfn.bench;

/**
 * What every measure runs against. Immutable and thread-safe.
 *
 * @param database the PostgreSQL server under test
 * @param machine where the run happens
 */
public record BenchContext(BenchDatabase database, MachineInfo machine) {
}
