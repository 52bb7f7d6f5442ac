package dev.txfn.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.txfn.Database;
import dev.txfn.Tx;
import dev.txfn.testing.PostgresTestDatabase;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.Period;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.argument.Arguments;
import org.jdbi.v3.core.argument.QualifiedArgumentFactory;
import org.jdbi.v3.core.config.ConfigRegistry;
import org.jdbi.v3.core.generic.GenericType;
import org.jdbi.v3.core.mapper.QualifiedColumnMapperFactory;
import org.jdbi.v3.core.qualifier.QualifiedType;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.postgres.HStore;
import org.jdbi.v3.postgres.MacAddr;
import org.jdbi.v3.postgres.PostgresPlugin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.geometric.PGpoint;
import org.postgresql.util.PGInterval;
import org.postgresql.util.PGobject;

/**
 * txfn's deferred PostgreSQL factories against Jdbi's {@link PostgresPlugin} installed as Jdbi installs it: the same
 * values reach the server and come back as the same Java values, and the plugin's factories are made only when a
 * lookup needs them.
 */
class DeferredPostgresFactoriesTest {

    enum Mood { CALM, CROSS }

    private static final GenericType<Map<String, String>> STRING_MAP = new GenericType<>() { };

    private static Jdbi jdbis;
    private static Jdbi txfns;

    @BeforeAll
    static void setUp() throws SQLException {
        PostgresTestDatabase server = PostgresTestDatabase.shared();
        try (var admin = server.openAdminConnection(); var ddl = admin.createStatement()) {
            ddl.execute("create extension if not exists hstore");
            ddl.execute("do $$ begin create type txfn_deferred_mood as enum ('CALM', 'CROSS');"
                    + " exception when duplicate_object then null; end $$");
            ddl.execute("create table if not exists txfn_deferred_typed (mood txfn_deferred_mood, key uuid,"
                    + " address inet, mac macaddr, pairs hstore, span interval, spot point, doc json)");
        }
        jdbis = Jdbi.create(server.unpooledDataSource()).installPlugin(new PostgresPlugin());
        txfns = Jdbi.create(server.unpooledDataSource()).installPlugin(new LazyPostgresPlugin());
    }

    @AfterAll
    static void checkTheDeferredFactoriesWereUsed() {
        assertThat(DeferredPostgresFactories.registeredIn(txfns.getConfig())).hasValueSatisfying(
                factories -> assertThat(factories.isMade()).isTrue());
    }

    @Test
    void noFactoryOfThePluginHandlesAPlainType() {
        ConfigRegistry config = jdbis.getConfig();
        DeferredPostgresFactories.Made made = new DeferredPostgresFactories().made();
        assertThat(made.arguments()).isNotEmpty();
        assertThat(made.columnMappers()).isNotEmpty();
        assertThat(made.arrayTypes()).isNotEmpty();
        Map<Type, Object> samples = plainSamples();
        assertThat(samples.keySet()).containsExactlyInAnyOrderElementsOf(DeferredPostgresFactories.PLAIN);
        for (Map.Entry<Type, Object> sample : samples.entrySet()) {
            QualifiedType<?> type = QualifiedType.of(sample.getKey());
            for (QualifiedArgumentFactory factory : made.arguments()) {
                assertThat(factory.build(type, sample.getValue(), config)).as("%s binds %s", factory, type).isEmpty();
                assertThat(factory.build(type, null, config)).as("%s binds null %s", factory, type).isEmpty();
                if (factory instanceof QualifiedArgumentFactory.Preparable preparable) {
                    assertThat(preparable.prepare(type, config)).as("%s prepares %s", factory, type).isEmpty();
                }
            }
            for (QualifiedColumnMapperFactory factory : made.columnMappers()) {
                assertThat(factory.build(type, config)).as("%s maps %s", factory, type).isEmpty();
            }
        }
    }

    @Test
    void aTransactionOfPlainTypesDoesNotMakeThePluginsFactories() throws Exception {
        try (Database database = Database.builder().jdbcUrl(PostgresTestDatabase.shared().jdbcUrl())
                .maximumPoolSize(1).applicationName("deferred-postgres-factories")
                .transactionPooling(PostgresTestDatabase.shared().behindTransactionPooler()).build()) {
            Tx tx = Tx.create(database);
            boolean madeByPlainTypes = tx.readOnly(h -> {
                h.createQuery("select :id::bigint as id, 'a' as name, now() as at, current_date as day")
                        .bind("id", 7L)
                        .map((rs, ctx) -> List.of(ctx.findColumnMapperFor(Long.class).orElseThrow().map(rs, 1, ctx),
                                ctx.findColumnMapperFor(String.class).orElseThrow().map(rs, 2, ctx),
                                ctx.findColumnMapperFor(Instant.class).orElseThrow().map(rs, 3, ctx),
                                ctx.findColumnMapperFor(LocalDate.class).orElseThrow().map(rs, 4, ctx)))
                        .one();
                return factoriesOf(h).isMade();
            });
            boolean madeByUuid = tx.readOnly(h -> {
                h.createQuery("select :key::text").bind("key", UUID.randomUUID()).mapTo(String.class).one();
                return factoriesOf(h).isMade();
            });
            assertThat(madeByPlainTypes).as("made by a long, text, a timestamp and a date").isFalse();
            assertThat(madeByUuid).as("made by binding a UUID").isTrue();
        }
    }

    @Test
    void valuesBindAsWithJdbisPlugin() throws Exception {
        List<Bound> values = new ArrayList<>();
        values.add(new Bound(QualifiedType.of(UUID.class), UUID.fromString("6f1c4b1e-2a5d-4c3e-9b7a-0d1e2f3a4b5c")));
        values.add(new Bound(QualifiedType.of(Duration.class), Duration.ofMinutes(90)));
        values.add(new Bound(QualifiedType.of(Period.class), Period.of(1, 2, 3)));
        values.add(new Bound(QualifiedType.of(InetAddress.class), InetAddress.getByName("192.0.2.7")));
        values.add(new Bound(QualifiedType.of(STRING_MAP), Map.of("a", "1")));
        values.add(new Bound(QualifiedType.of(STRING_MAP).with(HStore.class), Map.of("b", "2")));
        values.add(new Bound(QualifiedType.of(String.class).with(MacAddr.class), "08:00:2b:01:02:03"));
        values.add(new Bound(QualifiedType.of(Mood.class), Mood.CROSS));
        values.add(new Bound(QualifiedType.of(PGInterval.class), new PGInterval("1 day 02:00:00")));
        values.add(new Bound(QualifiedType.of(PGpoint.class), new PGpoint(1, 2)));
        values.add(new Bound(QualifiedType.of(PGobject.class), json("{\"k\": 1}")));
        values.add(new Bound(QualifiedType.of(LocalDate[].class), new LocalDate[] {LocalDate.of(2024, 2, 29)}));
        values.add(new Bound(QualifiedType.of(Instant[].class), new Instant[] {Instant.parse("2024-01-02T03:04:05Z")}));
        values.add(new Bound(QualifiedType.of(ZonedDateTime[].class),
                new ZonedDateTime[] {ZonedDateTime.of(2024, 1, 2, 3, 4, 5, 0, ZoneOffset.ofHours(2))}));
        values.add(new Bound(QualifiedType.of(Duration[].class), new Duration[] {Duration.ofSeconds(61)}));
        values.add(new Bound(QualifiedType.of(PGpoint[].class), new PGpoint[] {new PGpoint(3, 4)}));
        values.add(new Bound(QualifiedType.of(byte[][].class), new byte[][] {{1, 2}}));
        values.add(new Bound(QualifiedType.of(int[].class), new int[] {1, 2}));
        values.add(new Bound(QualifiedType.of(Mood[].class), new Mood[] {Mood.CALM}));
        values.add(new Bound(QualifiedType.of(String.class), "plain"));
        values.add(new Bound(QualifiedType.of(long.class), 7L));
        values.add(new Bound(QualifiedType.of(OffsetDateTime.class), OffsetDateTime.parse("2024-01-02T03:04:05Z")));
        for (Bound value : values) {
            assertThat(bound(txfns, value)).as("%s", value.type()).isEqualTo(bound(jdbis, value));
        }
    }

    @Test
    void aPlainDeclaredTypeWithAValueOfAnotherClassFindsTheArgumentJdbisPluginFinds() {
        // Raw generics or a mistyped declared type: Jdbi's findFor asks the factories with the value in hand.
        List<Bound> values = List.of(new Bound(QualifiedType.of(String.class), Duration.ofSeconds(5)),
                new Bound(QualifiedType.of(Long.class), Mood.CROSS),
                new Bound(QualifiedType.of(String.class), UUID.fromString("6f1c4b1e-2a5d-4c3e-9b7a-0d1e2f3a4b5c")));
        for (Bound value : values) {
            String txfn = found(txfns, value);
            assertThat(txfn).as("%s of %s", value.type(), value.value().getClass()).startsWith("found ")
                    .isEqualTo(found(jdbis, value));
        }
    }

    @Test
    void valuesFitColumnsOfTheirServerTypeAsWithJdbisPlugin() throws Exception {
        // Text would be refused by these columns (42804): the value must go out with the server's type.
        Map<String, Bound> columns = new HashMap<>();
        columns.put("mood", new Bound(QualifiedType.of(Mood.class), Mood.CALM));
        columns.put("key", new Bound(QualifiedType.of(UUID.class),
                UUID.fromString("0b6f7a2e-1c3d-4e5f-8a9b-0c1d2e3f4a5b")));
        columns.put("address", new Bound(QualifiedType.of(InetAddress.class), InetAddress.getByName("198.51.100.9")));
        columns.put("mac", new Bound(QualifiedType.of(String.class).with(MacAddr.class), "08:00:2b:0a:0b:0c"));
        columns.put("pairs", new Bound(QualifiedType.of(STRING_MAP).with(HStore.class), Map.of("k", "v")));
        columns.put("span", new Bound(QualifiedType.of(Duration.class), Duration.ofMinutes(3)));
        columns.put("spot", new Bound(QualifiedType.of(PGpoint.class), new PGpoint(5, 6)));
        columns.put("doc", new Bound(QualifiedType.of(PGobject.class), json("[1]")));
        for (Map.Entry<String, Bound> column : columns.entrySet()) {
            String txfn = stored(txfns, column.getKey(), column.getValue());
            assertThat(txfn).as("%s", column.getKey()).startsWith("stored ").isEqualTo(stored(jdbis, column.getKey(),
                    column.getValue()));
        }
    }

    @Test
    void columnsMapAsWithJdbisPlugin() {
        Map<String, List<QualifiedType<?>>> columns = new HashMap<>();
        columns.put("'a=>1, b=>NULL'::hstore", List.of(QualifiedType.of(STRING_MAP),
                QualifiedType.of(STRING_MAP).with(HStore.class)));
        columns.put("'08:00:2b:01:02:03'::macaddr", List.of(QualifiedType.of(String.class).with(MacAddr.class),
                QualifiedType.of(String.class)));
        columns.put("'1 day 02:00'::interval", List.of(QualifiedType.of(Duration.class),
                QualifiedType.of(PGInterval.class)));
        columns.put("'1 year 2 mons 3 days'::interval", List.of(QualifiedType.of(Period.class)));
        columns.put("'(1,2)'::point", List.of(QualifiedType.of(PGpoint.class), QualifiedType.of(PGobject.class)));
        columns.put("'{\"k\": 1}'::json", List.of(QualifiedType.of(PGobject.class), QualifiedType.of(String.class)));
        columns.put("array['2024-02-29'::date]", List.of(QualifiedType.of(LocalDate[].class)));
        columns.put("array[1, 2]", List.of(QualifiedType.of(int[].class), QualifiedType.of(Integer[].class)));
        columns.put("'CROSS'", List.of(QualifiedType.of(Mood.class)));
        columns.put("timestamptz '2024-01-02 03:04:05+00'", List.of(QualifiedType.of(Instant.class),
                QualifiedType.of(OffsetDateTime.class)));
        columns.put("timestamp '2024-01-02 03:04:05'", List.of(QualifiedType.of(LocalDateTime.class)));
        columns.put("7::bigint", List.of(QualifiedType.of(long.class), QualifiedType.of(Long.class)));
        for (Map.Entry<String, List<QualifiedType<?>>> column : columns.entrySet()) {
            for (QualifiedType<?> type : column.getValue()) {
                assertThat(mapped(txfns, column.getKey(), type)).as("%s as %s", column.getKey(), type)
                        .isEqualTo(mapped(jdbis, column.getKey(), type));
            }
        }
    }

    private record Bound(QualifiedType<?> type, Object value) {
    }

    /** What the server made of the bound value, as text, or how binding it failed. */
    private static String bound(Jdbi jdbi, Bound value) {
        try (Handle h = jdbi.open()) {
            Query query = h.createQuery("select (:v)::text");
            query.bindByType("v", value.value(), value.type());
            return "text " + query.mapTo(String.class).one();
        } catch (RuntimeException e) {
            return "failed " + e.getClass().getName() + ": " + sqlState(e);
        }
    }

    /** Which argument Jdbi's {@code Arguments.findFor} makes for the value (its class, lambdas' numbers cut). */
    private static String found(Jdbi jdbi, Bound value) {
        try (Handle h = jdbi.open()) {
            return h.getConfig(Arguments.class).findFor(value.type(), value.value())
                    .map(argument -> "found " + argument.getClass().getName()
                            .replaceAll("\\$\\$Lambda.*", "\\$\\$Lambda"))
                    .orElse("none");
        } catch (RuntimeException e) {
            return "failed " + e.getClass().getName();
        }
    }

    /** The value as a column of its server type stored it (rolled back), as text, or how storing it failed. */
    private static String stored(Jdbi jdbi, String column, Bound value) {
        try (Handle h = jdbi.open()) {
            return h.inTransaction(t -> {
                Query insert = t.createQuery("insert into txfn_deferred_typed (" + column + ") values (:v) returning "
                        + column + "::text");
                insert.bindByType("v", value.value(), value.type());
                String text = insert.mapTo(String.class).one();
                t.rollback();
                return "stored " + text;
            });
        } catch (RuntimeException e) {
            return "failed " + e.getClass().getName() + ": " + sqlState(e);
        }
    }

    /** The column as mapped to {@code type}, as text, or how mapping it failed. */
    private static String mapped(Jdbi jdbi, String expression, QualifiedType<?> type) {
        try (Handle h = jdbi.open()) {
            Object value = h.createQuery("select " + expression).mapTo(type).one();
            return "value " + (value instanceof Object[] array ? Arrays.deepToString(array)
                    : value instanceof int[] ints ? Arrays.toString(ints) : String.valueOf(value));
        } catch (RuntimeException e) {
            return "failed " + e.getClass().getName() + ": " + sqlState(e);
        }
    }

    private static String sqlState(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                return sql.getSQLState();
            }
        }
        return "no SQLSTATE";
    }

    private static DeferredPostgresFactories factoriesOf(Handle h) {
        return DeferredPostgresFactories.registeredIn(h.getConfig()).orElseThrow();
    }

    private static PGobject json(String value) throws SQLException {
        PGobject json = new PGobject();
        json.setType("json");
        json.setValue(value);
        return json;
    }

    private static Map<Type, Object> plainSamples() {
        Map<Type, Object> samples = new HashMap<>();
        samples.put(String.class, "x");
        samples.put(long.class, 1L);
        samples.put(Long.class, 1L);
        samples.put(int.class, 1);
        samples.put(Integer.class, 1);
        samples.put(short.class, (short) 1);
        samples.put(Short.class, (short) 1);
        samples.put(byte.class, (byte) 1);
        samples.put(Byte.class, (byte) 1);
        samples.put(boolean.class, true);
        samples.put(Boolean.class, true);
        samples.put(double.class, 1.0);
        samples.put(Double.class, 1.0);
        samples.put(float.class, 1.0f);
        samples.put(Float.class, 1.0f);
        samples.put(char.class, 'x');
        samples.put(Character.class, 'x');
        samples.put(BigDecimal.class, BigDecimal.ONE);
        samples.put(byte[].class, new byte[] {1});
        samples.put(LocalDate.class, LocalDate.EPOCH);
        samples.put(LocalTime.class, LocalTime.NOON);
        samples.put(LocalDateTime.class, LocalDateTime.of(2024, 1, 2, 3, 4));
        samples.put(Instant.class, Instant.EPOCH);
        samples.put(OffsetDateTime.class, OffsetDateTime.of(2024, 1, 2, 3, 4, 5, 0, ZoneOffset.UTC));
        samples.put(ZonedDateTime.class, ZonedDateTime.of(2024, 1, 2, 3, 4, 5, 0, ZoneOffset.UTC));
        return samples;
    }
}
