package dev.txfn.samples.tenants;

import dev.txfn.lambda.HttpApiHandler;
import dev.txfn.lambda.LambdaResources;

/**
 * The notes API's Lambda handler (API Gateway HTTP API with a JWT authorizer):
 * {@code dev.txfn.samples.tenants.TenantsApi::handleRequest}. Built once per container; the database comes from
 * {@code DATABASE_URL} or the {@code PG*} variables, which name the application role (not the table owner).
 */
public final class TenantsApi extends HttpApiHandler {

    /** The constructor Lambda calls. */
    public TenantsApi() {
        this(LambdaResources.fromEnv());
    }

    /**
     * A handler over the given resources (local runner, tests).
     *
     * @param resources the transaction runner and settings
     */
    public TenantsApi(LambdaResources resources) {
        super(resources, NoteRoutes.routes());
    }
}
