package dev.txfn.samples.tenants;

import dev.txfn.Database;
import dev.txfn.Tx;
import dev.txfn.TxEvent;
import dev.txfn.TxListener;
import dev.txfn.lambda.InvocationSettings;
import dev.txfn.lambda.LambdaResources;
import dev.txfn.testing.PostgresTestDatabase;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A database of its own on the shared test server, migrated by {@link Main#migrate} as the server's
 * administrator, with roles of its own ({@code tenants_owner_<x>}, {@code tenants_app_<x>} with a random
 * password): roles belong to the whole cluster, so no two test databases share them. {@link #appDatabase(String,
 * int)} connects as the application role, as the sample does. {@link #close()} drops the database and the roles.
 */
final class TenantsDatabase implements AutoCloseable {
    private final PostgresTestDatabase server;
    private final String name;
    private final String ownerRole;
    private final String appRole;
    private final String appPassword;

    private TenantsDatabase(PostgresTestDatabase server, String suffix) {
        this.server = server;
        this.name = "tenants_it_" + suffix;
        this.ownerRole = "tenants_owner_" + suffix;
        this.appRole = "tenants_app_" + suffix;
        byte[] secret = new byte[18];
        new SecureRandom().nextBytes(secret);
        this.appPassword = HexFormat.of().formatHex(secret);
    }

    /** Creates the database, migrates it and gives the application role its password. */
    static TenantsDatabase createMigrated() {
        PostgresTestDatabase server = PostgresTestDatabase.shared();
        TenantsDatabase db = new TenantsDatabase(server,
                UUID.randomUUID().toString().replace("-", "").substring(0, 12));
        admin(server, "create database " + db.name);
        try (Database admin = Database.builder().host(server.host()).port(server.port()).database(db.name)
                .user(server.user()).password(server.password().isEmpty() ? null : server.password())
                .applicationName("tenants-test-migrate").transactionPooling(server.behindTransactionPooler())
                .build()) {
            Main.migrate(admin, db.ownerRole, db.appRole);
            db.execute("alter role " + db.appRole + " password '" + db.appPassword + "'");
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
        return db;
    }

    PostgresTestDatabase server() {
        return server;
    }

    String name() {
        return name;
    }

    String appRole() {
        return appRole;
    }

    String appPassword() {
        return appPassword;
    }

    /**
     * A pool of {@code poolSize} connections as the application role, straight to the test server (through
     * its pooler when {@code TXFN_POOLING=transaction}).
     */
    Database appDatabase(String applicationName, int poolSize) {
        return appDatabase(server.host(), server.port(), server.behindTransactionPooler(), applicationName, poolSize);
    }

    /** The same through another host and port, such as a PgBouncer of the test's own. */
    Database appDatabase(String host, int port, boolean transactionPooling, String applicationName, int poolSize) {
        return Database.builder().host(host).port(port).database(name).user(appRole).password(appPassword)
                .applicationName(applicationName).maximumPoolSize(poolSize).lambda(true)
                .transactionPooling(transactionPooling).build();
    }

    /** Handler resources over {@code db}, counting every transaction begun into {@code begins}. */
    static LambdaResources resources(Database db, AtomicInteger begins) {
        Tx tx = Tx.builder(db).listener(new TxListener() {
            @Override
            public void onBegin(TxEvent event) {
                begins.incrementAndGet();
            }
        }).build();
        return new LambdaResources(tx, InvocationSettings.defaults().withDatabase(db));
    }

    /**
     * Whether the application role can log in where the tests connect: not through a pooler that lets in only
     * the users of its own auth file (CI's PgBouncer lists {@code postgres} alone).
     */
    boolean appRoleCanLogIn() {
        Properties p = new Properties();
        p.setProperty("user", appRole);
        p.setProperty("password", appPassword);
        p.setProperty("ApplicationName", "tenants-test-login");
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://" + server.host() + ":" + server.port()
                + "/" + name + (server.behindTransactionPooler() ? "?prepareThreshold=0" : ""), p)) {
            return c.isValid(5);
        } catch (SQLException e) {
            return false;
        }
    }

    /** The single number a query answers, as the administrator (a superuser: row-level security does not apply). */
    long adminLong(String sql) {
        try (Connection c = connectAsAdmin(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + " failed", e);
        }
    }

    void execute(String sql) {
        try (Connection c = connectAsAdmin(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("a statement failed as the administrator", e); // it may hold a password
        }
    }

    @Override
    public void close() {
        admin(server, "drop database if exists " + name + " with (force)");
        admin(server, "drop role if exists " + appRole);
        admin(server, "drop role if exists " + ownerRole);
    }

    private Connection connectAsAdmin() throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", server.user());
        if (!server.password().isEmpty()) {
            p.setProperty("password", server.password());
        }
        p.setProperty("ApplicationName", "tenants-test-admin");
        return DriverManager.getConnection("jdbc:postgresql://" + server.host() + ":" + server.port() + "/" + name
                + (server.behindTransactionPooler() ? "?prepareThreshold=0" : ""), p);
    }

    private static void admin(PostgresTestDatabase server, String sql) {
        try (Connection c = server.openAdminConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + " failed on " + server, e);
        }
    }
}
