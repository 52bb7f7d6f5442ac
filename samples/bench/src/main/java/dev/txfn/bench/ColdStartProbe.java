package dev.txfn.bench;

import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * What every cold-start child process ({@link ColdStartRawJdbc}, {@link ColdStartJdbi}, {@link ColdStartTxfn},
 * {@link ColdStartTxfnLambda}) shares: where to connect and how to say what it measured. Deliberately uses
 * nothing outside {@code java.base} before the result, so that it adds no class loading of its own to what it
 * measures.
 *
 * <p>The database URL arrives in the environment variable {@value #URL_VARIABLE}, the variable a deployed
 * txfn handler reads ({@code Database.fromEnv()}), never on the command line. Stateless and thread-safe.
 */
final class ColdStartProbe {

    /** The environment variable holding the {@code jdbc:postgresql:} URL. */
    static final String URL_VARIABLE = "DATABASE_URL";

    /** The prefix of the one line a child prints on standard output when its first transaction returned. */
    static final String RESULT_PREFIX = "txfn-cold-start ";

    /** The id of the row every variant reads. */
    static final long THING_ID = 7;

    private ColdStartProbe() {
    }

    /**
     * The database URL from {@value #URL_VARIABLE}.
     *
     * @return the URL
     * @throws IllegalStateException if the variable is unset
     */
    static String jdbcUrl() {
        String url = System.getenv(URL_VARIABLE);
        if (url == null || url.isBlank()) {
            throw new IllegalStateException(URL_VARIABLE + " is not set");
        }
        return url.strip();
    }

    /**
     * Prints the result line and ends the process. The JVM's start time is read only now, after the result, so
     * that loading the management classes does not count.
     *
     * @param mainNanos {@link System#nanoTime()} on entering {@code main}
     * @param setupNanos {@link System#nanoTime()} once the handler was constructed (pool, Jdbi, routes)
     * @param resultNanos {@link System#nanoTime()} once the first transaction's result was in hand
     * @param resultMillis {@link System#currentTimeMillis()} at the same moment
     * @param result the value read, to prove the transaction ran
     */
    static void report(long mainNanos, long setupNanos, long resultNanos, long resultMillis, String result) {
        long jvmStartMillis = ManagementFactory.getRuntimeMXBean().getStartTime();
        System.out.println(String.format(Locale.ROOT, "%sjvmStartToResultMs=%d mainToSetupNs=%d mainToResultNs=%d"
                + " result=%s", RESULT_PREFIX, resultMillis - jvmStartMillis, setupNanos - mainNanos,
                resultNanos - mainNanos, result.replace(' ', '_')));
        System.out.flush();
        System.exit(0); // whatever threads a library left running
    }
}
