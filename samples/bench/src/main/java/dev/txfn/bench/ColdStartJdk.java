package dev.txfn.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A JDK the cold-start children run on, and how its archive of the application's classes is made and used: on
 * JDK 17 a dynamic AppCDS archive ({@code -XX:ArchiveClassesAtExit} in a training run, then
 * {@code -XX:SharedArchiveFile}); from JDK 25 on an AOT cache ({@code -XX:AOTCacheOutput} in a training run, then
 * {@code -XX:AOTCache}), which also holds the classes linked and the lambdas resolved. Immutable and thread-safe.
 *
 * @param feature the feature release, e.g. {@code 25}
 * @param home the JDK's home directory
 */
record ColdStartJdk(int feature, Path home) {

    /** The system property naming a JDK 25 home; the environment variable {@value #JDK25_VARIABLE} else. */
    static final String JDK25_PROPERTY = "txfn.bench.jdk25";

    /** The environment variable naming a JDK 25 home when {@value #JDK25_PROPERTY} is unset. */
    static final String JDK25_VARIABLE = "TXFN_BENCH_JDK25";

    /** Where a JDK 25 is looked for when neither names one. */
    static final Path JDK25_DEFAULT = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64");

    /** The first feature release with {@code -XX:AOTCacheOutput} (JEP 514). */
    private static final int AOT_CACHE_SINCE = 25;

    /**
     * The JDKs to compare: the running one, then a JDK 25 if one is found ({@value #JDK25_PROPERTY}, then
     * {@value #JDK25_VARIABLE}, then {@link #JDK25_DEFAULT}); when none is, {@code notes} says so.
     *
     * @param notes where to say that a JDK was skipped, and why
     * @return one or two JDKs, the running one first
     */
    static List<ColdStartJdk> available(List<String> notes) {
        List<ColdStartJdk> jdks = new ArrayList<>();
        ColdStartJdk running = new ColdStartJdk(Runtime.version().feature(), Path.of(System.getProperty("java.home")));
        jdks.add(running);
        if (running.feature() >= AOT_CACHE_SINCE) {
            return jdks;
        }
        String named = System.getProperty(JDK25_PROPERTY, System.getenv(JDK25_VARIABLE));
        Path home = named == null || named.isBlank() ? JDK25_DEFAULT : Path.of(named.strip());
        if (!Files.isExecutable(home.resolve("bin").resolve("java"))) {
            notes.add("JDK 25 rows skipped: no JDK at " + home + " (name one with -D" + JDK25_PROPERTY + "=<home> or "
                    + JDK25_VARIABLE + ")");
            return jdks;
        }
        int feature = featureOf(home);
        if (feature < AOT_CACHE_SINCE) {
            notes.add("JDK 25 rows skipped: the JDK at " + home + " is release " + feature + ", not 25 or later");
            return jdks;
        }
        jdks.add(new ColdStartJdk(feature, home));
        return jdks;
    }

    /** The feature release in the JDK's {@code release} file, or 0 when it cannot be read. */
    private static int featureOf(Path home) {
        try {
            for (String line : Files.readAllLines(home.resolve("release"), StandardCharsets.UTF_8)) {
                if (line.startsWith("JAVA_VERSION=")) {
                    String version = line.substring("JAVA_VERSION=".length()).replace("\"", "");
                    int dot = version.indexOf('.');
                    return Integer.parseInt(dot < 0 ? version : version.substring(0, dot));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }

    /**
     * The {@code java} launcher.
     *
     * @return {@code <home>/bin/java}
     */
    Path java() {
        return home.resolve("bin").resolve("java");
    }

    /**
     * For headings.
     *
     * @return for example {@code JDK 25}
     */
    String label() {
        return "JDK " + feature;
    }

    /**
     * For case names.
     *
     * @return for example {@code jdk25}
     */
    String key() {
        return "jdk" + feature;
    }

    /**
     * Whether this JDK makes an AOT cache rather than a dynamic AppCDS archive.
     *
     * @return {@code true} from JDK 25 on
     */
    boolean hasAotCache() {
        return feature >= AOT_CACHE_SINCE;
    }

    /**
     * The archive step in words.
     *
     * @return {@code AOT cache} or {@code AppCDS archive}
     */
    String archiveName() {
        return hasAotCache() ? "AOT cache" : "AppCDS archive";
    }

    /**
     * The archive step in case names.
     *
     * @return {@code aot-cache} or {@code appcds}
     */
    String archiveKey() {
        return hasAotCache() ? "aot-cache" : "appcds";
    }

    /**
     * The file name of a variant's archive.
     *
     * @param variant the variant's name
     * @return for example {@code TXFN-jdk25.aot}
     */
    String archiveFileName(String variant) {
        return variant + "-" + key() + (hasAotCache() ? ".aot" : ".jsa");
    }

    /**
     * The options of the training run that writes {@code archive} at exit.
     *
     * @param archive where
     * @return the JVM options
     */
    List<String> trainingFlags(Path archive) {
        return List.of((hasAotCache() ? "-XX:AOTCacheOutput=" : "-XX:ArchiveClassesAtExit=") + archive);
    }

    /**
     * The options of a run that uses {@code archive}.
     *
     * @param archive written by a training run
     * @return the JVM options
     */
    List<String> archiveFlags(Path archive) {
        return List.of((hasAotCache() ? "-XX:AOTCache=" : "-XX:SharedArchiveFile=") + archive);
    }
}
