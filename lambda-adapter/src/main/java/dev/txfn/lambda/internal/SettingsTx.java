package dev.txfn.lambda.internal;

import dev.txfn.SettleReport;
import dev.txfn.Tx;
import dev.txfn.TxListener;
import dev.txfn.TxMetrics;
import dev.txfn.TxOptions;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.HandleConsumer;

/**
 * A {@code Tx} whose every transaction carries fixed transaction-local settings (one invocation's claim
 * settings), whatever options the caller passes: they are added to the options of each transaction, replacing
 * a setting of the same name the caller gave, so a route cannot run a transaction without them, not even with
 * {@code inTransaction(TxOptions.defaults(), ...)}. They travel as every {@code TxOptions} setting does, in the
 * same flight as the first statement. Immutable and thread-safe; derived per invocation.
 */
public final class SettingsTx implements Tx {
    private final Tx delegate;
    private final Map<String, String> settings;

    private SettingsTx(Tx delegate, Map<String, String> settings) {
        this.delegate = delegate;
        this.settings = settings;
    }

    /**
     * {@code tx} with {@code settings} added to every transaction.
     *
     * @param tx the invocation's {@code Tx}
     * @param settings setting name to value, in the order to apply them
     * @return {@code tx} itself when there are no settings
     */
    public static Tx of(Tx tx, Map<String, String> settings) {
        Objects.requireNonNull(tx, "tx");
        if (settings.isEmpty()) {
            return tx;
        }
        Map<String, String> copy = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
        return new SettingsTx(tx.withOptions(with(tx.options(), settings)), copy);
    }

    private TxOptions with(TxOptions options) {
        return with(Objects.requireNonNull(options, "options"), settings);
    }

    private static TxOptions with(TxOptions options, Map<String, String> settings) {
        TxOptions result = options;
        for (Map.Entry<String, String> setting : settings.entrySet()) {
            result = result.withSetting(setting.getKey(), setting.getValue());
        }
        return result;
    }

    @Override
    public <T, X extends Exception> T inTransaction(HandleCallback<T, X> callback) throws X {
        return delegate.inTransaction(callback);
    }

    @Override
    public <T, X extends Exception> T inTransaction(TxOptions options, HandleCallback<T, X> callback) throws X {
        return delegate.inTransaction(with(options), callback);
    }

    @Override
    public <T, X extends Exception> T readOnly(HandleCallback<T, X> callback) throws X {
        return delegate.readOnly(callback);
    }

    @Override
    public <X extends Exception> void useTransaction(HandleConsumer<X> callback) throws X {
        delegate.useTransaction(callback);
    }

    @Override
    public <X extends Exception> void useTransaction(TxOptions options, HandleConsumer<X> callback) throws X {
        delegate.useTransaction(with(options), callback);
    }

    @Override
    public Tx withDeadline(Instant deadline) {
        return new SettingsTx(delegate.withDeadline(deadline), settings);
    }

    @Override
    public Tx withOptions(TxOptions options) {
        return new SettingsTx(delegate.withOptions(with(options)), settings);
    }

    @Override
    public Tx withListener(TxListener listener) {
        return new SettingsTx(delegate.withListener(listener), settings);
    }

    @Override
    public SettleReport settle() {
        return delegate.settle();
    }

    @Override
    public TxMetrics metrics() {
        return delegate.metrics();
    }

    @Override
    public CompletableFuture<Void> warmUp() {
        return delegate.warmUp();
    }

    @Override
    public boolean isWarmingUp() {
        return delegate.isWarmingUp();
    }

    @Override
    public TxOptions options() {
        return delegate.options();
    }

    @Override
    public Instant deadline() {
        return delegate.deadline();
    }

    @Override
    public int openTransactions() {
        return delegate.openTransactions();
    }

    @Override
    public String toString() {
        return delegate + " with claim settings " + settings.keySet();
    }
}
