package dev.txfn.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The classes a cold-start child loaded, read from its {@code -Xlog:class+load=info:file=...} log: how many, from
 * where (the JDK's CDS archive, the JDK's modules, an application CDS archive, the application jar, generated at
 * run time) and, for the application's own, by library; and which classes one child loaded that another did not.
 * Immutable and thread-safe.
 *
 * @param total every class loaded
 * @param jdkArchive JDK classes mapped from the JDK's default CDS archive
 * @param jdkModules JDK classes parsed from the run-time image
 * @param appArchive application classes mapped from a dynamic CDS archive or an AOT cache
 * @param appJar classes parsed from the application jar
 * @param generated hidden classes, lambda forms and proxies defined at run time
 * @param byLibrary the application's classes (jar or archive) by library, most first
 * @param names every class loaded as {@code name#n}, the n-th of that name; generated classes without the address
 *     and number the JVM gave them, so that two runs compare
 */
record ClassLoadCensus(int total, int jdkArchive, int jdkModules, int appArchive, int appJar, int generated,
        Map<String, Integer> byLibrary, Set<String> names) {

    /** How many groups {@link #beyond} names before it sums up the rest. */
    private static final int BEYOND_GROUPS = 12;

    /** The libraries, by package prefix, that the children load. */
    private static final Map<String, String> LIBRARIES = libraries();

    /** Copies the map, keeping its order. */
    ClassLoadCensus {
        byLibrary = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(byLibrary));
        names = Set.copyOf(names);
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
        Set<String> names = new HashSet<>();
        Map<String, Integer> occurrences = new HashMap<>(); // generated classes share a name once it is comparable
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
            String comparable = comparable(name);
            names.add(comparable + "#" + occurrences.merge(comparable, 1, Integer::sum));
            // JDK 17's dynamic archive says "(top)"; JDK 25's AOT cache holds the JDK's and the application's alike.
            if (from.startsWith("shared objects file (top)")
                    || from.startsWith("shared objects file") && library != null) {
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
        return new ClassLoadCensus(total, jdkArchive, jdkModules, appArchive, appJar, generated, sorted, names);
    }

    /**
     * The classes this child loaded that {@code other} did not, counted by library (the JDK's by package, e.g.
     * {@code JDK java.time.format}; classes generated at run time as {@code generated}), most first.
     *
     * @param other the child to compare with, e.g. the hand-written Jdbi + HikariCP one
     * @return for example {@code txfn core 70, JDK java.lang.invoke 12, generated 9}
     */
    String beyond(ClassLoadCensus other) {
        Map<String, Integer> extra = new TreeMap<>();
        for (String name : names) {
            if (!other.names.contains(name)) {
                extra.merge(group(name), 1, Integer::sum);
            }
        }
        int count = extra.values().stream().mapToInt(Integer::intValue).sum();
        List<String> groups = extra.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder())
                        .thenComparing(Map.Entry.comparingByKey()))
                .map(e -> e.getKey() + " " + e.getValue()).toList();
        String shown = String.join(", ", groups.subList(0, Math.min(BEYOND_GROUPS, groups.size())));
        int rest = groups.size() - BEYOND_GROUPS;
        return count + " classes: " + shown + (rest > 0 ? " and " + rest + " more JDK packages" : "");
    }

    /** A generated class's name without the address and number the JVM gave it, e.g. {@code Foo$$Lambda}. */
    private static String comparable(String className) {
        int address = className.indexOf("/0x");
        String name = address < 0 ? className : className.substring(0, address);
        int lambda = name.indexOf("$$Lambda");
        if (lambda >= 0) {
            return name.substring(0, lambda + "$$Lambda".length());
        }
        int proxy = name.indexOf(".$Proxy");
        return proxy < 0 ? name : name.substring(0, proxy + ".$Proxy".length());
    }

    private static String group(String numberedName) {
        String comparableName = numberedName.substring(0, numberedName.lastIndexOf('#'));
        if (comparableName.contains("$$Lambda") || comparableName.contains("LambdaForm$")
                || comparableName.startsWith("jdk.proxy") || comparableName.contains("$$StringConcat")
                || comparableName.contains("$Species_")) {
            return "generated";
        }
        String library = library(comparableName);
        if (library != null) {
            return library;
        }
        int last = comparableName.lastIndexOf('.');
        return "JDK " + (last < 0 ? comparableName : comparableName.substring(0, last));
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

    /**
     * The library a class belongs to, by package.
     *
     * @param className a binary class name
     * @return its library, {@code other} for a class of none known, {@code null} for the JDK's
     */
    static String library(String className) {
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
