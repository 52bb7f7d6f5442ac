package dev.txfn.bench;

import dev.txfn.Database;
import dev.txfn.lambda.LambdaResources;

/**
 * Cold-start variant 4 without the warm-up: the same handler and request as {@link ColdStartTxfnLambda}, its
 * resources built with {@code LambdaResources.of(Database.fromEnv())}, which does not start
 * {@code Tx.warmUp()}, so the first connection and the transaction path's class loading happen during the first
 * request. Shows what the warm-up buys. Run as a child process by {@link ColdStartMeasure}.
 */
public final class ColdStartTxfnLambdaNoWarmUp {

    private ColdStartTxfnLambdaNoWarmUp() {
    }

    /**
     * Starts, serves one request, prints the timings and exits.
     *
     * @param args none
     */
    public static void main(String[] args) {
        ColdStartTxfnLambda.run(() -> new ColdStartTxfnLambda.Handler(LambdaResources.of(Database.fromEnv())));
    }
}
