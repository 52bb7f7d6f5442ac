package dev.txfn.samples.things;

import dev.txfn.testing.SettleAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/**
 * Base of the tests that run the handlers against real PostgreSQL: a migrated database of the test class's own,
 * dropped after it, and after every test the application settled (no transaction open, no connection checked
 * out, no session idle in transaction).
 */
abstract class MigratedDatabaseTest {
    static ThingsDatabase db;

    @BeforeAll
    static void createDatabase() {
        db = ThingsDatabase.createMigrated();
    }

    @AfterAll
    static void dropDatabase() {
        db.close();
    }

    @AfterEach
    void applicationIsSettled() {
        SettleAssertions.assertSettled(db.resources().tx(), db.database(), db.applicationName());
        SettleAssertions.assertNoSessionIdleInTransaction(db.applicationName());
    }
}
