package dev.txfn;

import dev.txfn.testing.TestCertificates;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Database.Builder#url(String)}: the libpq URI and pgjdbc URL forms. Building never connects. */
class DatabaseUrlTest {

    @Test
    void uriIsPercentDecodedAndKeepsPlusSigns() {
        try (Database db = Database.builder()
                .url("postgres://app%40corp:p%40ss%2Fw%3Ard+x@db.example.com:6432/orders%20db?sslmode=require")
                .build()) {
            assertThat(db.user()).isEqualTo("app@corp");
            assertThat(hikari(db).getPassword()).isEqualTo("p@ss/w:rd+x");
            assertThat(db.jdbcUrl()).startsWith("jdbc:postgresql://db.example.com:6432/orders+db?")
                    .contains("sslmode=require");
            assertThat(db.toString()).contains("host=db.example.com", "port=6432", "database=orders db");
        }
    }

    @Test
    void postgresqlSchemeIsAccepted() {
        try (Database db = Database.builder().url("postgresql://u@h/d").build()) {
            assertThat(db.jdbcUrl()).startsWith("jdbc:postgresql://h:5432/d?");
        }
    }

    @Test
    void uriQueryParametersUseLibpqNames(@TempDir Path directory) throws IOException {
        String caFile = TestCertificates.authority("url test CA").writeCertificate(directory.resolve("ca.pem"))
                .toString();
        try (Database db = Database.builder()
                .url("postgres://u@ignored/ignored?host=h2&port=7000&dbname=d2&application_name=orders"
                        + "&connect_timeout=7&sslmode=verify-full&sslrootcert=" + caFile)
                .build()) {
            assertThat(db.jdbcUrl()).startsWith("jdbc:postgresql://h2:7000/d2?");
            assertThat(db.applicationName()).isEqualTo("orders");
            Properties properties = hikari(db).getDataSourceProperties();
            assertThat(properties.getProperty("connectTimeout")).isEqualTo("7");
            assertThat(properties.getProperty("sslrootcert")).isEqualTo(caFile);
        }
    }

    @Test
    void ipv6HostsKeepTheirBrackets() {
        try (Database db = Database.builder().url("postgres://u@[::1]:5433/d").build()) {
            assertThat(db.jdbcUrl()).startsWith("jdbc:postgresql://[::1]:5433/d?");
            assertThat(db.toString()).contains("host=::1");
        }
    }

    @Test
    void jdbcUrlTakesCredentialsAndPropertiesAsParameters() {
        try (Database db = Database.builder()
                .jdbcUrl("jdbc:postgresql://db:5433/app?user=u&password=s3cret&sslmode=verify-full&socketTimeout=30")
                .build()) {
            assertThat(db.user()).isEqualTo("u");
            assertThat(hikari(db).getPassword()).isEqualTo("s3cret");
            assertThat(db.jdbcUrl()).startsWith("jdbc:postgresql://db:5433/app?")
                    .contains("sslmode=verify-full", "socketTimeout=30")
                    .doesNotContain("password", "user=");
        }
    }

    @Test
    void jdbcUrlWithoutHostDefaultsToLocalhost() {
        try (Database db = Database.builder().url("jdbc:postgresql:app?user=u").build()) {
            assertThat(db.jdbcUrl()).startsWith("jdbc:postgresql://localhost:5432/app?");
        }
    }

    @Test
    void databaseDefaultsToTheUserName() {
        try (Database db = Database.builder().url("postgres://alice@h").build()) {
            assertThat(db.toString()).contains("database=alice");
        }
    }

    @Test
    void dedicatedSettersWinOverTheUrlWhateverTheOrder() {
        try (Database db = Database.builder()
                .host("h2").port(7000).database("d2").user("u2").password("p2").sslMode("disable")
                .url("postgres://u:p@h:5432/d?sslmode=require")
                .build()) {
            assertThat(db.jdbcUrl()).startsWith("jdbc:postgresql://h2:7000/d2?").contains("sslmode=disable");
            assertThat(db.user()).isEqualTo("u2");
            assertThat(hikari(db).getPassword()).isEqualTo("p2");
        }
    }

    @Test
    void unknownSchemeIsRejected() {
        assertThatThrownBy(() -> Database.builder().url("mysql://u@h/d").build())
                .isInstanceOfSatisfying(InvalidConfigurationException.class,
                        e -> assertThat(e.setting()).isEqualTo("url"))
                .hasMessageContaining("postgres://");
    }

    @Test
    void nonNumericPortInUrlIsRejected() {
        assertThatThrownBy(() -> Database.builder().jdbcUrl("jdbc:postgresql://h:abc/d?user=u").build())
                .isInstanceOfSatisfying(InvalidConfigurationException.class,
                        e -> assertThat(e.setting()).isEqualTo("jdbcUrl"))
                .hasMessageContaining("port must be a number between 1 and 65535");
    }

    @Test
    void badSslmodeInUrlIsRejected() {
        assertThatThrownBy(() -> Database.builder().url("postgres://u@h/d?sslmode=sometimes").build())
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("sslmode must be one of disable, allow, prefer, require, verify-ca, verify-full");
    }

    @Test
    void severalHostsKeepTheirOrderAndPorts() {
        try (Database db = Database.builder()
                .url("postgres://u:pw@h1:5432,h2:5433/d?target_session_attrs=read-write").build()) {
            assertThat(db.jdbcUrl()).startsWith("jdbc:postgresql://h1:5432,h2:5433/d?")
                    .contains("targetServerType=primary");
            assertThat(db.toString()).contains("host=h1,h2, port=5432,5433");
        }
    }

    @Test
    void aHostWithoutItsOwnPortGets5432() {
        try (Database db = Database.builder().url("postgres://u@h1,[::1]:6000,h3/d").build()) {
            assertThat(db.jdbcUrl()).startsWith("jdbc:postgresql://h1:5432,[::1]:6000,h3:5432/d?");
        }
    }

    @Test
    void jdbcUrlWithSeveralHostsAndTargetServerType() {
        try (Database db = Database.builder()
                .jdbcUrl("jdbc:postgresql://h1,h2:5433/d?user=u&targetServerType=preferSecondary").build()) {
            assertThat(db.jdbcUrl()).startsWith("jdbc:postgresql://h1:5432,h2:5433/d?")
                    .contains("targetServerType=preferSecondary");
        }
    }

    @Test
    void libpqHostAndPortListsInTheQuery() {
        try (Database db = Database.builder().url("postgres://u@/d?host=h1,h2&port=5432,5433").build()) {
            assertThat(db.jdbcUrl()).startsWith("jdbc:postgresql://h1:5432,h2:5433/d?");
        }
        try (Database db = Database.builder().url("postgres://u@/d?host=h1,h2&port=6000").build()) {
            assertThat(db.jdbcUrl()).startsWith("jdbc:postgresql://h1:6000,h2:6000/d?");
        }
    }

    @Test
    void emptyHostParameterMeansNoHost() {
        try (Database db = Database.builder().url("postgres://u@/d?host=&port=").build()) {
            assertThat(db.jdbcUrl()).startsWith("jdbc:postgresql://localhost:5432/d?");
        }
    }

    @Test
    void builderHostListTakesOnePortForAll() {
        try (Database db = Database.builder().host("h1,h2").port(6000).user("u").build()) {
            assertThat(db.jdbcUrl()).startsWith("jdbc:postgresql://h1:6000,h2:6000/u?");
        }
    }

    @Test
    void targetSessionAttrsBecomesPgjdbcsTargetServerType() {
        Map<String, String> expected = Map.of("any", "any", "read-write", "primary", "read-only", "secondary",
                "primary", "primary", "standby", "secondary", "prefer-standby", "preferSecondary");
        expected.forEach((libpq, pgjdbc) -> {
            try (Database db = Database.builder().url("postgres://u@h1,h2/d?target_session_attrs=" + libpq)
                    .build()) {
                assertThat(hikari(db).getDataSourceProperties().getProperty("targetServerType")).as(libpq)
                        .isEqualTo(pgjdbc);
            }
        });
    }

    @Test
    void loadBalanceHostsBecomesPgjdbcsLoadBalanceHosts() {
        try (Database db = Database.builder().url("postgres://u@h1,h2/d?load_balance_hosts=random").build()) {
            assertThat(hikari(db).getDataSourceProperties().getProperty("loadBalanceHosts")).isEqualTo("true");
        }
    }

    @Test
    void unknownTargetSessionAttrsIsRejected() {
        assertThatThrownBy(() -> Database.builder().url("postgres://u@h1,h2/d?target_session_attrs=writable").build())
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("target_session_attrs must be one of any, read-write, read-only, primary,"
                        + " standby, prefer-standby");
        assertThatThrownBy(() -> Database.builder().jdbcUrl("jdbc:postgresql://h1,h2/d?user=u&targetServerType=rw")
                .build())
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("targetServerType must be one of any, primary, secondary");
    }

    @Test
    void portListMustMatchTheHosts() {
        assertThatThrownBy(() -> Database.builder().url("postgres://u@/d?host=h1,h2,h3&port=1,2").build())
                .isInstanceOfSatisfying(InvalidConfigurationException.class,
                        e -> assertThat(e.setting()).isEqualTo("url"))
                .hasMessageContaining("gives 2 ports for 3 hosts");
    }

    @Test
    void emptyEntryInTheHostListIsRejected() {
        assertThatThrownBy(() -> Database.builder().url("postgres://u@h1,,h2/d").build())
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("empty entry in its host list");
    }

    @Test
    void unixSocketHostIsRejected() {
        assertThatThrownBy(() -> Database.builder().url("postgres://u@/d?host=/var/run/postgresql").build())
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("Unix-domain socket");
    }

    @Test
    void unencodedReservedCharacterInPasswordIsRejected() {
        assertThatThrownBy(() -> Database.builder().url("postgres://u:abc/def@h/d").build())
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("percent-encode");
    }

    @Test
    void malformedPercentEncodingIsRejected() {
        assertThatThrownBy(() -> Database.builder().url("postgres://u:%zz@h/d").build())
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("malformed percent-encoding in the password");
    }

    static HikariDataSource hikari(Database db) {
        return (HikariDataSource) db.dataSource();
    }
}
