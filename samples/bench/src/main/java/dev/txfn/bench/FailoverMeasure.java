package dev.txfn.bench;

import dev.txfn.testing.RoundTripCounter;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Measure 7: a writer failover as each implementation meets it. Two embedded PostgreSQL servers of the measure's
 * own and one {@link RoundTripCounter} in front playing the cluster endpoint; txfn, Jdbi + HikariCP and Spring
 * write through it side by side, each on its own pool, while the endpoint fails over. Figures per fault: the time
 * from the endpoint naming a writable server to each implementation's first successful write, and the errors
 * its caller saw. Not thread-safe.
 */
public final class FailoverMeasure implements Measure {

    /** The implementations compared. */
    static final List<Implementation> IMPLEMENTATIONS = List.of(Implementation.TXFN, Implementation.JDBI,
            Implementation.SPRING);

    /** The deadline of each txfn write, as a Lambda invocation would give it. */
    static final Duration DEADLINE = Duration.ofSeconds(5);

    /** How long a writer waits after each write, failed or not: a client retrying at once. */
    static final Duration PAUSE = Duration.ofMillis(10);

    /** How the endpoint fails over. */
    enum Fault {
        /** The old writer turns read-only and the endpoint names it for a while longer, then the new writer. */
        DEMOTED("demoted writer, endpoint late"),
        /** Every connection through the endpoint is cut at the moment it is repointed, as a crash of the writer. */
        CUT("connections cut, endpoint repointed");

        final String description;

        Fault(String description) {
            this.description = description;
        }
    }

    @Override
    public String name() {
        return "failover";
    }

    @Override
    public String title() {
        return "7. Failover";
    }

    @Override
    public String description() {
        return "Two embedded PostgreSQL servers of the measure's own and one TCP proxy in front of them playing the"
                + " cluster endpoint (`RoundTripCounter`); txfn (`Database`, each write with a "
                + DEADLINE.toSeconds() + " s deadline), Jdbi + Hikari and Spring (HikariCP defaults), each with a"
                + " pool of one connection, write one row per transaction through it side by side, every writer"
                + " waiting " + PAUSE.toMillis() + " ms after each write, failed or not. *Demoted writer*: the"
                + " old writer turns read-only (`default_transaction_read_only`, as a demoted writer answers 25006)"
                + " and the endpoint goes on naming it for a while, then names the new writer. *Connections cut*:"
                + " the endpoint is repointed and every connection through it cut at once. Time from the endpoint"
                + " naming the writable server to each implementation's first successful write (median of the"
                + " trials; – when a trial saw none before giving up), and the errors the callers saw: after the"
                + " switch, until every implementation has written again (and 200 ms more) or the trial gives up"
                + " (10 s with `--quick`, else 20 s).";
    }

    @Override
    public List<CaseResult> run(BenchContext context, boolean quick) throws Exception {
        int trials = quick ? 1 : 3;
        Duration lag = quick ? Duration.ofSeconds(1) : Duration.ofSeconds(2);
        Duration giveUp = quick ? Duration.ofSeconds(10) : Duration.ofSeconds(20);
        List<CaseResult> results = new ArrayList<>();
        try (EmbeddedPostgres oldWriter = start(); EmbeddedPostgres newWriter = start();
                RoundTripCounter endpoint = RoundTripCounter.start("127.0.0.1", oldWriter.getPort())) {
            for (Fault fault : Fault.values()) {
                List<FailoverTrial.Outcome> outcomes = new ArrayList<>();
                for (int t = 0; t < trials; t++) {
                    prepare(oldWriter, newWriter, endpoint);
                    outcomes.add(new FailoverTrial(endpoint, IMPLEMENTATIONS, DEADLINE, PAUSE).run(
                            () -> fail(fault, oldWriter, newWriter, endpoint, lag), giveUp));
                }
                results.addAll(cases(fault, lag, giveUp, outcomes));
            }
        }
        return results;
    }

    /** The fault; returns when the endpoint names the writable server, on the {@link System#nanoTime()} scale. */
    private static long fail(Fault fault, EmbeddedPostgres oldWriter, EmbeddedPostgres newWriter,
            RoundTripCounter endpoint, Duration lag) throws InterruptedException {
        if (fault == Fault.DEMOTED) {
            setReadOnly(oldWriter, true);
            Thread.sleep(lag.toMillis());
        }
        long switched = System.nanoTime();
        endpoint.switchTo("127.0.0.1", newWriter.getPort());
        if (fault == Fault.CUT) {
            endpoint.cutAllConnections();
        }
        return switched;
    }

    private List<CaseResult> cases(Fault fault, Duration lag, Duration giveUp, List<FailoverTrial.Outcome> outcomes) {
        Map<String, Number> firstWrite = new LinkedHashMap<>();
        Map<String, Number> errorsBefore = new LinkedHashMap<>();
        Map<String, Number> errorsAfter = new LinkedHashMap<>();
        List<String> notes = new ArrayList<>();
        for (Implementation implementation : IMPLEMENTATIONS) {
            List<Long> nanos = new ArrayList<>();
            Map<String, Integer> kinds = new TreeMap<>();
            long before = 0;
            long after = 0;
            for (FailoverTrial.Outcome o : outcomes) {
                FailoverTrial.Outcome.PerImplementation p = o.of(implementation);
                if (p.firstSuccessNanos() >= 0) {
                    nanos.add(p.firstSuccessNanos());
                }
                before += p.errorsBeforeSwitch();
                after += p.errorsAfterSwitch();
                p.errorKinds().forEach((kind, n) -> kinds.merge(kind, n, Integer::sum));
            }
            if (nanos.size() == outcomes.size()) {
                nanos.sort(null);
                firstWrite.put(implementation.key(), nanos.get(nanos.size() / 2) / 1e6);
            } else {
                notes.add(implementation.label() + ": no successful write within " + giveUp.toSeconds() + " s of the"
                        + " switch in " + (outcomes.size() - nanos.size()) + " of " + outcomes.size() + " trials");
            }
            errorsBefore.put(implementation.key(), before);
            errorsAfter.put(implementation.key(), after);
            if (!kinds.isEmpty()) {
                notes.add(implementation.label() + " errors: " + kinds.entrySet().stream()
                        .map(e -> e.getKey() + " ×" + e.getValue()).collect(Collectors.joining(", ")));
            }
        }
        String prefix = fault.name().toLowerCase(java.util.Locale.ROOT);
        String trials = outcomes.size() + (outcomes.size() == 1 ? " trial" : " trials");
        List<CaseResult> cases = new ArrayList<>();
        cases.add(new CaseResult(name(), prefix + "-first-write", fault.description + ": first successful write"
                + " after the endpoint names the writable server", "ms (median of " + trials + ")", firstWrite,
                Map.of(), notes));
        if (fault == Fault.DEMOTED) {
            cases.add(new CaseResult(name(), prefix + "-errors-before", fault.description + ": errors while the"
                    + " endpoint named the read-only server (" + lag.toMillis() + " ms)", "errors, " + trials,
                    errorsBefore, Map.of(), List.of()));
        }
        cases.add(new CaseResult(name(), prefix + "-errors-after", fault.description + ": errors after the"
                + " endpoint named the writable server", "errors, " + trials, errorsAfter, Map.of(), List.of()));
        return cases;
    }

    /** Both servers writable with an empty table, the endpoint naming the old writer. */
    private static void prepare(EmbeddedPostgres oldWriter, EmbeddedPostgres newWriter, RoundTripCounter endpoint)
            throws InterruptedException {
        for (EmbeddedPostgres server : List.of(oldWriter, newWriter)) {
            setReadOnly(server, false);
            execute(server, "drop table if exists " + FailoverWriter.TABLE + "; create table " + FailoverWriter.TABLE
                    + "(id bigint not null, implementation text not null)");
        }
        endpoint.switchTo("127.0.0.1", oldWriter.getPort());
    }

    /** As a demoted writer: every new transaction read-only; returns once a new session sees it. */
    private static void setReadOnly(EmbeddedPostgres server, boolean on) throws InterruptedException {
        execute(server, on ? "alter system set default_transaction_read_only = on"
                : "alter system reset default_transaction_read_only");
        execute(server, "select pg_reload_conf()");
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try (Connection c = server.getPostgresDatabase().getConnection(); Statement s = c.createStatement();
                    var rs = s.executeQuery("show default_transaction_read_only")) {
                rs.next();
                if (rs.getString(1).equals(on ? "on" : "off")) {
                    return;
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
            if (System.nanoTime() - giveUp > 0) {
                throw new IllegalStateException("the server did not reload its configuration within 10 s");
            }
            Thread.sleep(10);
        }
    }

    private static void execute(EmbeddedPostgres server, String sql) {
        try (Connection c = server.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static EmbeddedPostgres start() throws IOException {
        return EmbeddedPostgres.builder().setServerConfig("listen_addresses", "127.0.0.1")
                .setRegisterShutdownHook(true).start();
    }
}
