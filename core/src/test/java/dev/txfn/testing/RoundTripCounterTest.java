package dev.txfn.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RoundTripCounterTest {

    private final PostgresTestDatabase db = PostgresTestDatabase.shared();
    private RoundTripCounter counter;

    @BeforeEach
    void startProxy() {
        counter = RoundTripCounter.start(db.host(), db.port());
    }

    @AfterEach
    void stopProxy() {
        counter.close();
    }

    @Test
    void switchToSendsNewConnectionsToTheNewServerAndLeavesOpenOnesWhereTheyAre() throws SQLException {
        try (RoundTripCounter other = RoundTripCounter.start(db.host(), db.port());
                Connection before = connect()) {
            counter.switchTo("127.0.0.1", other.port());
            try (Connection after = connect()) {
                other.reset();
                selectOne(before);
                assertThat(other.roundTrips()).isZero();
                selectOne(after);
                assertThat(other.roundTrips()).isEqualTo(1);
            }
        }
    }

    @Test
    void cutAllConnectionsBreaksEveryOpenConnectionAndKeepsAcceptingNewOnes() throws SQLException {
        try (Connection first = connect(); Connection second = connect()) {
            assertThat(counter.cutAllConnections()).isEqualTo(2);
            assertThatThrownBy(() -> selectOne(first)).isInstanceOf(SQLException.class);
            assertThatThrownBy(() -> selectOne(second)).isInstanceOf(SQLException.class);
        }
        try (Connection fresh = connect()) {
            assertThat(selectOne(fresh)).isEqualTo(1);
        }
    }

    @Test
    void oneAutoCommitQueryIsOneRoundTrip() throws SQLException {
        try (Connection connection = connect()) {
            counter.reset();
            assertThat(selectOne(connection)).isEqualTo(1);
            assertThat(counter.roundTrips()).isEqualTo(1);
        }
    }

    @Test
    void threeQueriesAreThreeRoundTrips() throws SQLException {
        try (Connection connection = connect()) {
            counter.reset();
            selectOne(connection);
            selectOne(connection);
            selectOne(connection);
            assertThat(counter.roundTrips()).isEqualTo(3);
        }
    }

    @Test
    void queryAndCommitWithoutAutoCommitAreTwoRoundTrips() throws SQLException {
        try (Connection connection = connect()) {
            connection.setAutoCommit(false);
            counter.reset();
            selectOne(connection); // BEGIN goes out in the same write as the query
            connection.commit();
            assertThat(counter.roundTrips()).isEqualTo(2);
        }
    }

    @Test
    void countsRoundTripsAcrossConnections() throws SQLException {
        try (Connection first = connect(); Connection second = connect()) {
            counter.reset();
            selectOne(first);
            selectOne(second);
            selectOne(first);
            assertThat(counter.roundTrips()).isEqualTo(3);
        }
    }

    @Test
    void countsTheSameWithInjectedDelay() throws SQLException {
        try (Connection connection = connect()) {
            counter.setDelay(Duration.ofMillis(20));
            counter.reset();
            selectOne(connection);
            selectOne(connection);
            assertThat(counter.roundTrips()).isEqualTo(2);
        }
    }

    @Test
    void resetStartsTheCountAgain() throws SQLException {
        try (Connection connection = connect()) {
            selectOne(connection);
            assertThat(counter.roundTrips()).isPositive();
            counter.reset();
            assertThat(counter.roundTrips()).isZero();
        }
    }

    @Test
    void forwardsLargeResultsIntact() throws SQLException {
        try (Connection connection = connect();
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("select repeat('x', 1000000), 42")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).hasSize(1_000_000);
            assertThat(rs.getInt(2)).isEqualTo(42);
        }
    }

    private Connection connect() throws SQLException {
        String url = counter.jdbcUrl(db.database(), db.user()) + "&assumeMinServerVersion=10";
        if (!db.password().isEmpty()) {
            url += "&password=" + URLEncoder.encode(db.password(), StandardCharsets.UTF_8);
        }
        return DriverManager.getConnection(url);
    }

    private static int selectOne(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery("select 1")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
