package dev.txfn.samples.things;

import dev.txfn.lambda.HttpApiHandler;
import dev.txfn.lambda.LambdaResources;

/**
 * The things API's Lambda handler (API Gateway HTTP API): {@code dev.txfn.samples.things.ThingsApi::handleRequest}.
 * Built once per container; the database comes from {@code DATABASE_URL} or the {@code PG*} variables and is
 * connected on first use.
 */
public final class ThingsApi extends HttpApiHandler {

    /** The constructor Lambda calls. */
    public ThingsApi() {
        this(LambdaResources.fromEnv());
    }

    /**
     * A handler over the given resources (local runner, tests).
     *
     * @param resources the transaction runner and settings
     */
    public ThingsApi(LambdaResources resources) {
        super(resources, ThingRoutes.routes());
    }
}
