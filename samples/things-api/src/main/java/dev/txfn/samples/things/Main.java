package dev.txfn.samples.things;

import java.util.Locale;
import java.util.Properties;

/**
 * The sample's command line: {@code ddl-experiment} runs the DDL-under-load experiment on the database named by
 * {@code DATABASE_URL}, or on an embedded PostgreSQL when it is not set.
 */
public final class Main {
    private Main() {
    }

    /**
     * Runs a command.
     *
     * @param args the command and its arguments
     */
    public static void main(String[] args) {
        String command = args.length == 0 ? "help" : args[0].toLowerCase(Locale.ROOT);
        try {
            switch (command) {
                case "ddl-experiment":
                    ddlExperiment();
                    break;
                default:
                    System.out.println("usage: java -jar things-api.jar ddl-experiment");
            }
        } catch (Exception e) {
            System.err.println("things-api: " + e.getMessage());
            System.exit(1);
        }
    }

    private static void ddlExperiment() throws Exception {
        String url = System.getenv("DATABASE_URL");
        LocalPostgres local = null;
        if (url == null || url.isBlank()) {
            local = LocalPostgres.start();
            System.out.println("no DATABASE_URL: using an embedded PostgreSQL on 127.0.0.1:" + local.port());
        }
        try {
            String jdbcUrl = local != null ? "jdbc:postgresql://127.0.0.1:" + local.port() + "/postgres"
                    : JdbcUrls.jdbcUrl(url);
            Properties credentials = local != null ? JdbcUrls.credentials("postgres", "") : JdbcUrls.credentials(url);
            DdlExperiment.Settings settings = DdlExperiment.Settings.defaults();
            DdlExperiment.print(new DdlExperiment(jdbcUrl, credentials, settings).run(), settings, System.out);
        } finally {
            if (local != null) {
                local.close();
            }
        }
    }
}
