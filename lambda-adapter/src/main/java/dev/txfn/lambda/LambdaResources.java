package dev.txfn.lambda;

import dev.txfn.Database;
import dev.txfn.Tx;
import java.util.Objects;

/**
 * What a handler needs besides its own code, built once per Lambda container: the {@link Tx} its work runs
 * through and the {@link InvocationSettings} of every invocation (deadline margin, metrics, and the
 * {@link Database} whose pool is checked at the end of each invocation).
 *
 * <pre>{@code
 * public ThingsApi() { super(LambdaResources.fromEnv(), Things.routes()); }
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param tx the transaction runner
 * @param settings the invocation settings
 */
public record LambdaResources(Tx tx, InvocationSettings settings) {

    /**
     * Checks the components.
     *
     * @param tx the transaction runner
     * @param settings the invocation settings
     * @throws NullPointerException if one is {@code null}
     */
    public LambdaResources {
        Objects.requireNonNull(tx, "tx");
        Objects.requireNonNull(settings, "settings");
    }

    /**
     * A {@link Database#fromEnv() Database from the environment}, a {@code Tx} over it and default settings naming
     * it, with the {@link SnapStart} hooks registered, and the {@code Tx} {@linkplain Tx#warmUp() warming up} in
     * the background: the first connection opens and the transaction path's classes load while the rest of the
     * function's init runs, instead of during its first invocation. With SnapStart the checkpoint waits for the
     * warm-up (so the snapshot holds warm classes) and then closes its connection. A database unreachable at init
     * costs a WARN line, nothing more: the first transaction connects as it would have.
     *
     * @return the resources
     * @throws dev.txfn.InvalidConfigurationException if the environment does not describe a database
     */
    public static LambdaResources fromEnv() {
        Database database = Database.fromEnv();
        SnapStart.register(database);
        LambdaResources resources = of(database);
        SnapStart.awaitBeforeCheckpoint(database, resources.tx().warmUp());
        return resources;
    }

    /**
     * A {@code Tx} over {@code database} with default options, and default settings naming it.
     *
     * @param database the pool
     * @return the resources
     */
    public static LambdaResources of(Database database) {
        return new LambdaResources(Tx.create(database), InvocationSettings.defaults().withDatabase(database));
    }

    /**
     * A {@code Tx} with default settings and no {@code Database} to cross-check: for a {@code Tx} over another
     * data source, such as an in-memory one in unit tests.
     *
     * @param tx the transaction runner
     * @return the resources
     */
    public static LambdaResources of(Tx tx) {
        return new LambdaResources(tx, InvocationSettings.defaults());
    }

    /**
     * A copy with other settings.
     *
     * @param newSettings the settings
     * @return the new resources
     */
    public LambdaResources withSettings(InvocationSettings newSettings) {
        return new LambdaResources(tx, newSettings);
    }
}
