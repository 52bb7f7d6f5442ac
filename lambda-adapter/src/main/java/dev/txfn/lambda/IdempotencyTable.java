package dev.txfn.lambda;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;

/**
 * The PostgreSQL table in which {@link SqsHandler} records the idempotency key of every message it processes,
 * inside the very transaction that does the message's work. A message SQS delivers again after its transaction
 * committed finds its key and is skipped; a message whose transaction rolled back left no key and is processed
 * again. Because key and work commit or roll back together, a redelivery can never have a second effect, which a
 * separate idempotency store (DynamoDB, Redis) cannot promise: there the work may commit and the key write fail,
 * or the reverse.
 *
 * <p><b>Creating it.</b> The adapter never runs DDL on its own. Add the statement {@link #createTableSql()}
 * returns to your migrations (Flyway, Liquibase, a deploy step), or run it once:
 *
 * <pre>{@code
 * create table if not exists txfn_idempotency (
 *     key text primary key,
 *     processed_at timestamptz not null,
 *     expires_at timestamptz not null);
 * alter table txfn_idempotency add column if not exists fingerprint text,
 *     add column if not exists response_status integer, add column if not exists response_headers text,
 *     add column if not exists response_body text;
 * create index if not exists txfn_idempotency_expires_at_idx on txfn_idempotency (expires_at);
 * }</pre>
 *
 * <p>The same table holds the keys of HTTP requests made idempotent with {@link HttpIdempotency}, with the
 * request's fingerprint and the response to replay (the last four columns, which SQS keys leave empty). The
 * statements are safe to run again: a table made by an earlier version gains the columns.
 *
 * <p>If the table is missing, every message fails with a {@code DatabaseException} of SQLSTATE {@code 42P01}
 * and the handler logs an ERROR naming the table and this statement.
 *
 * <p><b>Expiring keys.</b> A key is kept for {@link SqsSettings#idempotencyRetention()} (7 days by default).
 * An expired key is reclaimed when the same key comes again, so expired rows never block anything; to keep the
 * table small, call {@link #purgeExpired(Handle)} on a schedule, e.g. from an EventBridge-scheduled function:
 *
 * <pre>{@code
 * public final class PurgeIdempotencyKeys extends EventHandler<ScheduledEvent, Integer> {
 *     public PurgeIdempotencyKeys() {
 *         super(App.RESOURCES, (event, tx, context) -> {
 *             int purged;
 *             int total = 0;
 *             do {
 *                 purged = tx.inTransaction(IdempotencyTable::purgeExpired);
 *                 total += purged;
 *             } while (purged == IdempotencyTable.PURGE_BATCH && context.getRemainingTimeInMillis() > 5_000);
 *             return total;
 *         });
 *     }
 * }
 * }</pre>
 *
 * <p>Stateless and thread-safe.
 */
public final class IdempotencyTable {
    /** The default table name, {@code txfn_idempotency}. */
    public static final String DEFAULT_NAME = "txfn_idempotency";

    /** The most rows one {@link #purgeExpired(Handle)} call deletes, so one call stays short. */
    public static final int PURGE_BATCH = 10_000;

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

    private IdempotencyTable() {
    }

    /**
     * The DDL creating the default table {@code txfn_idempotency}, its columns for HTTP responses and its index on
     * {@code expires_at}, safe to run again ({@code if not exists}), also on a table an earlier version made.
     *
     * @return three statements, each ending with {@code ;}, separated by newlines
     */
    public static String createTableSql() {
        return createTableSql(DEFAULT_NAME);
    }

    /**
     * The DDL creating {@code table} and its index on {@code expires_at}, safe to run again
     * ({@code if not exists}).
     *
     * @param table an unquoted identifier, optionally schema-qualified
     * @return three statements, each ending with {@code ;}, separated by newlines
     * @throws IllegalArgumentException if the name is not a plain identifier
     */
    public static String createTableSql(String table) {
        String name = checkName(table);
        String simple = name.substring(name.indexOf('.') + 1);
        return "create table if not exists " + name + " (key text primary key,"
                + " processed_at timestamptz not null, expires_at timestamptz not null);\n"
                + "alter table " + name + " add column if not exists fingerprint text,"
                + " add column if not exists response_status integer,"
                + " add column if not exists response_headers text,"
                + " add column if not exists response_body text;\n"
                + "create index if not exists " + simple + "_expires_at_idx on " + name + " (expires_at);";
    }

    /**
     * Deletes up to {@link #PURGE_BATCH} expired keys from the default table. Run it in a transaction of its
     * own, and again while it returns {@code PURGE_BATCH}.
     *
     * @param handle the transaction's handle
     * @return how many keys were deleted
     * @throws dev.txfn.TxException if the statement fails, e.g. the table does not exist ({@code 42P01})
     */
    public static int purgeExpired(Handle handle) {
        return purgeExpired(handle, DEFAULT_NAME);
    }

    /**
     * Deletes up to {@link #PURGE_BATCH} expired keys from {@code table}.
     *
     * @param handle the transaction's handle
     * @param table the table name
     * @return how many keys were deleted
     * @throws IllegalArgumentException if the name is not a plain identifier
     * @throws dev.txfn.TxException if the statement fails
     */
    public static int purgeExpired(Handle handle, String table) {
        Objects.requireNonNull(handle, "handle");
        String name = checkName(table);
        return handle.createUpdate("delete from " + name + " where key in (select key from " + name
                + " where expires_at < now() limit " + PURGE_BATCH + ")").execute();
    }

    /**
     * Records {@code key} in the current transaction unless an unexpired record of it exists.
     *
     * @return {@code true} if the key is new (or had expired): the message must be processed
     */
    static boolean claim(Handle handle, String table, String key, Duration retention) {
        return handle.createUpdate("insert into " + table + " (key, processed_at, expires_at)"
                        + " values (:key, now(), now() + make_interval(secs => :seconds))"
                        + " on conflict (key) do update set processed_at = excluded.processed_at,"
                        + " expires_at = excluded.expires_at where " + table + ".expires_at < now()")
                .bind("key", key)
                .bind("seconds", (double) retention.toSeconds())
                .execute() == 1;
    }

    static String checkName(String table) {
        Objects.requireNonNull(table, "table");
        String[] parts = table.split("\\.", -1);
        if (parts.length > 2 || !IDENTIFIER.matcher(parts[0]).matches()
                || (parts.length == 2 && !IDENTIFIER.matcher(parts[1]).matches())) {
            throw new IllegalArgumentException("idempotency table must be an unquoted identifier, optionally"
                    + " schema-qualified (letters, digits, _; at most 63 characters per part), was '" + table + "'");
        }
        return table;
    }
}
