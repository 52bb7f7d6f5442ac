package dev.txfn.samples.things;

import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import dev.txfn.lambda.EventHandler;
import dev.txfn.lambda.IdempotencyTable;
import dev.txfn.lambda.LambdaResources;

/**
 * Deletes the expired message ids {@link ThingsImport} recorded in {@code txfn_idempotency}, on a schedule
 * (EventBridge): handler {@code dev.txfn.samples.things.PurgeIdempotencyKeys}, the class alone (see
 * {@link EventHandler} on why not {@code ::handleRequest}). Expired keys never block a
 * message (one that comes again reclaims its key); purging only keeps the table small. Each batch of at most
 * {@link IdempotencyTable#PURGE_BATCH} keys is a short transaction of its own; it stops when a batch comes back
 * short or less than 5 s of the invocation remain, and answers how many keys it deleted.
 */
public final class PurgeIdempotencyKeys extends EventHandler<ScheduledEvent, Integer> {
    private static final int STOP_WITH_MILLIS_LEFT = 5_000;

    /** The constructor Lambda calls. */
    public PurgeIdempotencyKeys() {
        this(LambdaResources.fromEnv());
    }

    /**
     * A handler over the given resources (tests).
     *
     * @param resources the transaction runner and settings
     */
    public PurgeIdempotencyKeys(LambdaResources resources) {
        super(resources, (event, tx, context) -> {
            int total = 0;
            int purged;
            do {
                purged = tx.inTransaction(IdempotencyTable::purgeExpired);
                total += purged;
            } while (purged == IdempotencyTable.PURGE_BATCH
                    && context.getRemainingTimeInMillis() > STOP_WITH_MILLIS_LEFT);
            return total;
        });
    }
}
