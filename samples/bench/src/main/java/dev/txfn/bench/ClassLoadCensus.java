package dev.txfn.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The classes a cold-start child loaded, read from its {@code -Xlog:class+load=info:file=...} log: how many, from
 * where (the JDK's CDS archive, the JDK's modules, an application CDS archive, the application jar, generated at
 * run time) and, for the application's own, by library. Immutable and thread-safe.
 *
 * @param total every class loaded
 * @param jdkArchive JDK classes mapped from the JDK's default CDS archive
 * @param jdkModules JDK classes parsed from the run-time image
 * @param appArchive classes mapped from a dynamic (application) CDS archive
 * @param appJar classes parsed from the application jar
 * @param generated hidden classes, lambda forms and proxies defined at run time
 * @param byLibrary the application's classes (jar or archive) by library, most first
 */
record ClassLoadCensus(int total, int jdkArchive, int jdkModules, int appArchive, int appJar, int generated,
        Map<String, Integer> byLibrary) {

    /** The libraries, by package prefix, that the children load. */
    private static final Map<String, String> LIBRARIES = libraries();

    /** Copies the map, keeping its order. */
    ClassLoadCensus {
        byLibrary = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(byLibrary));
    }

    /**
     * The JVM option that writes the log this census reads.
     *
     * @param log where
     * @return {@code -Xlog:class+load=info:file=<log>}
     */
    static String logOption(Path log) {
        return "-Xlog:class+load=info:file=" + log;
    }

    /**
     * Reads a log.
     *
     * @param log the file written under {@link #logOption(Path)}
     * @return the census
     * @throws IOException if it cannot be read
     */
    static ClassLoadCensus read(Path log) throws IOException {
        int total = 0;
        int jdkArchive = 0;
        int jdkModules = 0;
        int appArchive = 0;
        int appJar = 0;
        int generated = 0;
        Map<String, Integer> byLibrary = new TreeMap<>();
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            int tag = line.indexOf("[class,load] ");
            int source = line.indexOf(" source: ");
            if (tag < 0 || source < 0) {
                continue;
            }
            total++;
            String name = line.substring(tag + "[class,load] ".length(), source);
            String from = line.substring(source + " source: ".length());
            String library = library(name);
            if (from.startsWith("shared objects file (top)")) {
                appArchive++;
            } else if (from.startsWith("shared objects file")) {
                jdkArchive++;
            } else if (from.startsWith("jrt:/")) {
                jdkModules++;
            } else if (from.startsWith("file:") || from.startsWith("jar:")) {
                appJar++;
            } else {
                generated++;
                continue;
            }
            if (library != null) {
                byLibrary.merge(library, 1, Integer::sum);
            }
        }
        Map<String, Integer> sorted = byLibrary.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder()))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, LinkedHashMap::new));
        return new ClassLoadCensus(total, jdkArchive, jdkModules, appArchive, appJar, generated, sorted);
    }

    /**
     * The application's classes by library, as {@code Jdbi 310, pgjdbc 190, ...}.
     *
     * @return the summary
     */
    String librarySummary() {
        return byLibrary.entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                .collect(Collectors.joining(", "));
    }

    private static String library(String className) {
        for (Map.Entry<String, String> e : LIBRARIES.entrySet()) {
            if (className.startsWith(e.getKey())) {
                return e.getValue();
            }
        }
        return className.startsWith("java.") || className.startsWith("javax.") || className.startsWith("jdk.")
                || className.startsWith("sun.") || className.startsWith("com.sun.") ? null : "other";
    }

    private static Map<String, String> libraries() {
        Map<String, String> libraries = new LinkedHashMap<>();
        List.of("org.postgresql.=pgjdbc", "com.zaxxer.hikari.=HikariCP", "org.jdbi.=Jdbi",
                "io.leangen.geantyref.=geantyref (Jdbi)", "org.antlr.=ANTLR (Jdbi)",
                "dev.txfn.bench.=bench handler", "dev.txfn.lambda.=txfn adapter",
                "dev.txfn.=txfn core", "com.fasterxml.jackson.=Jackson", "com.amazonaws.=AWS Lambda libraries",
                "org.slf4j.=SLF4J", "org.crac.=CRaC",
                "software.amazon.awssdk.=AWS SDK").forEach(entry -> {
                    int eq = entry.indexOf('=');
                    libraries.put(entry.substring(0, eq), entry.substring(eq + 1));
                });
        return libraries;
    }
}
