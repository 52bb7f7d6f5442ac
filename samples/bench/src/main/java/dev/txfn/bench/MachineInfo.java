package dev.txfn.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Where a run happened, recorded with its results: figures mean little without it. Immutable and thread-safe.
 *
 * @param cores the processors available to the JVM
 * @param cpu the CPU model, or {@code unknown}
 * @param memory the machine's memory, or {@code unknown}
 * @param jvm the JVM's name and version
 * @param os the operating system's name, version and architecture
 * @param postgres the server's version and whether it was embedded
 * @param libraries the versions of the libraries compared, as built
 */
public record MachineInfo(int cores, String cpu, String memory, String jvm, String os, String postgres,
        Map<String, String> libraries) {

    /** Copies the libraries, keeping their order. */
    public MachineInfo {
        libraries = Collections.unmodifiableMap(new LinkedHashMap<>(libraries));
    }

    /**
     * Describes this machine and {@code database}.
     *
     * @param database the server under test
     * @return the description
     */
    public static MachineInfo collect(BenchDatabase database) {
        return new MachineInfo(Runtime.getRuntime().availableProcessors(), procValue("/proc/cpuinfo", "model name"),
                totalMemory(), System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                        + System.getProperty("os.arch"),
                "PostgreSQL " + database.serverVersion() + (database.isEmbedded() ? " (embedded)" : " (external)"),
                libraryVersions());
    }

    /** The versions Maven wrote into {@code library-versions.properties} at build time. */
    private static Map<String, String> libraryVersions() {
        Map<String, String> libraries = new LinkedHashMap<>();
        Properties properties = new Properties();
        try (InputStream in = MachineInfo.class.getResourceAsStream("library-versions.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            return libraries;
        }
        properties.stringPropertyNames().stream().sorted().forEach(name -> libraries.put(name,
                properties.getProperty(name)));
        return libraries;
    }

    private static String totalMemory() {
        String total = procValue("/proc/meminfo", "MemTotal");
        if (total.endsWith(" kB")) {
            try {
                long kib = Long.parseLong(total.substring(0, total.length() - 3).strip());
                return String.format(Locale.ROOT, "%.1f GiB", kib / (1024.0 * 1024.0));
            } catch (NumberFormatException e) {
                return total;
            }
        }
        return total;
    }

    private static String procValue(String file, String key) {
        try {
            for (String line : Files.readAllLines(Path.of(file))) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).strip().equals(key)) {
                    return line.substring(colon + 1).strip();
                }
            }
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
        return "unknown";
    }
}
