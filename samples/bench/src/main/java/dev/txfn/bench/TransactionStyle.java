package dev.txfn.bench;

/**
 * One implementation under test, opened on a connection target: runs a {@link Scenario}'s transaction the way
 * that implementation is used in practice. Each instance owns its connection or pool (of one connection) and
 * is used from one thread at a time.
 */
interface TransactionStyle extends AutoCloseable {

    /**
     * Runs one transaction of {@code scenario} to its commit.
     *
     * @param scenario what to run
     * @return the name read by the last statement, so the work cannot be optimized away
     * @throws Exception if the transaction fails; it has been rolled back
     */
    String run(Scenario scenario) throws Exception;

    /** Closes the connection or pool. */
    @Override
    void close();
}
