package dev.txfn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** No password in {@code toString()}, {@code jdbcUrl()} or any configuration error, whatever the input form. */
class DatabasePasswordSecrecyTest {
    private static final String SECRET = "Sup3rSecret";

    @Test
    void uriWithPassword() {
        assertSecret(() -> Database.builder().url("postgres://u:" + SECRET + "@h:5432/d").build());
        assertSecret(() -> Database.fromEnv(Map.of("DATABASE_URL", "postgresql://u:" + SECRET + "@h/d")));
    }

    @Test
    void jdbcUrlWithPasswordParameter() {
        assertSecret(() -> Database.builder().jdbcUrl("jdbc:postgresql://h/d?user=u&password=" + SECRET).build());
        assertSecret(() -> Database.fromEnv(Map.of("DATABASE_URL", "jdbc:postgresql://h/d?password=" + SECRET
                + "&user=u")));
    }

    @Test
    void severalHosts() {
        assertSecret(() -> Database.builder().url("postgres://u:" + SECRET + "@h1:5432,h2:5433/d"
                + "?target_session_attrs=read-write").build());
        assertSecret(() -> Database.fromEnv(Map.of("PGHOST", "h1,h2", "PGPORT", "5432,5433", "PGUSER", "u",
                "PGPASSWORD", SECRET)));
    }

    @Test
    void pgpassword() {
        assertSecret(() -> Database.fromEnv(Map.of("PGUSER", "u", "PGPASSWORD", SECRET)));
    }

    @Test
    void builderPassword() {
        assertSecret(() -> Database.builder().host("h").user("u").password(SECRET).build());
    }

    @Test
    void credentialsSources() {
        assertSecret(() -> Database.builder().host("h").database("d").credentials(CredentialsSource.of("u", SECRET))
                .build());
        assertSecret(() -> Database.builder().host("h").user("u").sslMode("require").iamAuthentication("eu-west-1")
                .build());
        InvalidConfigurationException both = catchThrowableOfType(InvalidConfigurationException.class,
                () -> Database.builder().url("postgres://u:" + SECRET + "@h/d")
                        .credentials(CredentialsSource.of("u", SECRET)).build());
        assertThat(both.getMessage()).startsWith("credentials: cannot be combined with a password")
                .doesNotContain(SECRET);
    }

    @Test
    void sslPasswordPropertyIsNotInTheJdbcUrl() {
        assertSecret(() -> Database.builder().host("h").user("u").property("sslpassword", SECRET).build());
    }

    @Test
    void invalidUrlMessagesNeverQuoteThePassword() {
        List<String> urls = List.of(
                "postgres://u:" + SECRET + "@h:99999/d",
                "postgres://u:" + SECRET + "@h:port/d",
                "postgres://u:" + SECRET + "@h/d?sslmode=" + SECRET,
                "postgres://u:" + SECRET + "/x@h/d",
                "postgres://u:" + SECRET + "?x@h/d",
                "postgres://" + SECRET + ":" + SECRET + "/d",
                "postgres://u:" + SECRET + "%zz@h/d",
                "postgres://u:" + SECRET + "@h1,,h2/d",
                "postgres://u:" + SECRET + "@h1,h2/d?port=1,2,3",
                "postgres://u:" + SECRET + "@h1,h2/d?target_session_attrs=" + SECRET,
                "postgres://u:" + SECRET + "@[::1/d",
                "postgres://u:" + SECRET + "@/d?host=/tmp",
                "postgres://u:" + SECRET + "@h/d?" + SECRET,
                "mysql://u:" + SECRET + "@h/d",
                SECRET,
                "jdbc:postgresql://h:" + SECRET + "/d?user=u",
                "jdbc:postgresql://u:" + SECRET + "@h/d",
                "jdbc:postgresql://h/d?user=u&password=" + SECRET + "%zz",
                "jdbc:postgresql://h/d?user=u&password=" + SECRET + "&" + SECRET);
        for (String url : urls) {
            InvalidConfigurationException fromBuilder = catchThrowableOfType(InvalidConfigurationException.class,
                    () -> Database.builder().url(url).build());
            assertThat(fromBuilder).as(url).isNotNull();
            assertThat(fromBuilder.getMessage()).as(url).doesNotContain(SECRET);
            InvalidConfigurationException fromEnv = catchThrowableOfType(InvalidConfigurationException.class,
                    () -> Database.fromEnv(Map.of("DATABASE_URL", url)));
            assertThat(fromEnv).as(url).isNotNull();
            assertThat(fromEnv.getMessage()).as(url).doesNotContain(SECRET).startsWith("DATABASE_URL: ");
        }
    }

    @Test
    void otherInvalidSettingsDoNotShowThePassword() {
        InvalidConfigurationException e = catchThrowableOfType(InvalidConfigurationException.class,
                () -> Database.builder().url("postgres://u:" + SECRET + "@h/d").maximumPoolSize(0).build());
        assertThat(e.getMessage()).doesNotContain(SECRET);
        e = catchThrowableOfType(InvalidConfigurationException.class,
                () -> Database.fromEnv(Map.of("PGUSER", "u", "PGPASSWORD", SECRET, "PGPORT", "x")));
        assertThat(e.getMessage()).doesNotContain(SECRET);
    }

    private static void assertSecret(Supplier<Database> build) {
        try (Database db = build.get()) {
            assertThat(db.toString()).doesNotContain(SECRET);
            assertThat(db.jdbcUrl()).doesNotContain(SECRET).doesNotContain("password");
        }
    }
}
