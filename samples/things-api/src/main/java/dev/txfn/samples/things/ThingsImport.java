package dev.txfn.samples.things;

import dev.txfn.lambda.LambdaResources;
import dev.txfn.lambda.SqsHandler;

/**
 * Bulk-imports things from SQS: {@code dev.txfn.samples.things.ThingsImport::handleRequest}. Each message is
 * one transaction, recorded in {@code txfn_idempotency} by message id in that same transaction, so a message
 * SQS delivers twice creates its things once; a bad message fails alone (partial batch response).
 */
public final class ThingsImport extends SqsHandler<ImportBatch> {

    /** The constructor Lambda calls. */
    public ThingsImport() {
        this(LambdaResources.fromEnv());
    }

    /**
     * A handler over the given resources (tests).
     *
     * @param resources the transaction runner and settings
     */
    public ThingsImport(LambdaResources resources) {
        super(ImportBatch.class, resources, (batch, message, h) -> {
            if (batch.things() == null || batch.things().isEmpty()) {
                throw new IllegalArgumentException("message " + message.messageId() + " has no things");
            }
            batch.things().forEach(NewThing::validated);
            ThingStore.insertAll(batch.things()).withHandle(h);
        });
    }
}
