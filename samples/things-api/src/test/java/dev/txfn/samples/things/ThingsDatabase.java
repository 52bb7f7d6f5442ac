package dev.txfn.samples.things;

import dev.txfn.Database;
import dev.txfn.lambda.LambdaResources;
import dev.txfn.testing.PostgresTestDatabase;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

/**
 * A database of its own on the shared test server ({@code things_it_<random>}), so no other test class sees or
 * disturbs its rows, migrated by {@link Main#migrate(Database)}, with a Lambda-tuned {@link Database} whose
 * sessions carry a distinctive application name for the settle assertions. {@link #close()} drops it.
 */
final class ThingsDatabase implements AutoCloseable {
    private final PostgresTestDatabase server;
    private final String name;
    private final String applicationName;
    private final Database database;
    private final LambdaResources resources;

    private ThingsDatabase(PostgresTestDatabase server, String name) {
        this.server = server;
        this.name = name;
        this.applicationName = name.replace('_', '-');
        this.database = Database.builder().host(server.host()).port(server.port()).database(name)
                .user(server.user()).password(server.password().isEmpty() ? null : server.password())
                .applicationName(applicationName).lambda(true)
                .transactionPooling(server.behindTransactionPooler()).build();
        this.resources = LambdaResources.of(database);
    }

    /** Creates the database and applies the migrations. */
    static ThingsDatabase createMigrated() {
        ThingsDatabase db = createEmpty();
        try {
            Main.migrate(db.database);
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
        return db;
    }

    /** Creates the database without any table. */
    static ThingsDatabase createEmpty() {
        PostgresTestDatabase server = PostgresTestDatabase.shared();
        String name = "things_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        admin(server, "create database " + name);
        return new ThingsDatabase(server, name);
    }

    /** What the handlers under test are built with. */
    LambdaResources resources() {
        return resources;
    }

    Database database() {
        return database;
    }

    String applicationName() {
        return applicationName;
    }

    /** A {@code jdbc:postgresql:} URL with the credentials, as {@code DATABASE_URL} may give it. */
    String jdbcUrl() {
        String url = "jdbc:postgresql://" + server.host() + ":" + server.port() + "/" + name + "?user="
                + encode(server.user());
        if (server.behindTransactionPooler()) {
            url += "&prepareThreshold=0"; // no named server-side prepared statement outlives its transaction
        }
        return server.password().isEmpty() ? url : url + "&password=" + encode(server.password());
    }

    /** The same database as libpq's variables name it, as {@code Database.fromEnv()} reads them. */
    Map<String, String> libpqEnvironment() {
        Map<String, String> env = new HashMap<>(Map.of("PGHOST", server.host(), "PGPORT",
                Integer.toString(server.port()), "PGDATABASE", name, "PGUSER", server.user()));
        if (!server.password().isEmpty()) {
            env.put("PGPASSWORD", server.password());
        }
        return env;
    }

    /** Empties the tables and restarts the ids at 1, so the fixtures' {@code /things/1} is the first thing. */
    void reset() {
        execute("truncate thing, txfn_idempotency restart identity");
    }

    /** The single number a query answers, read over a plain connection of its own. */
    long queryLong(String sql) {
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + " failed", e);
        }
    }

    void execute(String sql) {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + " failed", e);
        }
    }

    @Override
    public void close() {
        database.close();
        admin(server, "drop database if exists " + name + " with (force)");
    }

    private Connection connect() throws SQLException {
        Properties p = new Properties();
        p.setProperty("ApplicationName", "things-test-admin");
        return DriverManager.getConnection(jdbcUrl(), p);
    }

    private static void admin(PostgresTestDatabase server, String sql) {
        try (Connection c = server.openAdminConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + " failed on " + server, e);
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
