package dev.txfn.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Where one cold start's CPU time went, by library, read from an async-profiler profile of the child
 * ({@code tools.profiler:async-profiler}'s native agent: a CPU sample of every thread every
 * {@value #INTERVAL_MS} ms, written as collapsed stacks when the JVM exits). JIT compiler and GC threads are
 * counted apart; every other sample goes to the library whose frame is innermost among the application's
 * libraries on its stack, so that class loading, verification and lambda linkage the JVM does on a library's
 * behalf count as that library's, and to {@value #JDK} when no library frame is on the stack (JVM start-up, the
 * JVM's own threads). Immutable and thread-safe.
 *
 * @param allMs every thread's CPU time, ms
 * @param jitMs of which the JIT compiler threads'
 * @param gcMs of which the GC threads'
 * @param byOwner the rest by library ({@link ClassLoadCensus#library} names), most first
 */
record ColdStartCpuProfile(double allMs, double jitMs, double gcMs, Map<String, Double> byOwner) {

    /** The sampling interval, ms. */
    static final double INTERVAL_MS = 0.5;

    /** Where {@code mvn package} copies async-profiler's jar, next to bench.jar. */
    static final String AGENT_DIR = "async-profiler";

    /** The owner of samples with no library frame. */
    static final String JDK = "JDK and JVM";

    /** The libraries that are txfn's own code. */
    static final List<String> TXFN = List.of("txfn core", "txfn adapter");

    /** The native agent inside async-profiler's jar, for the one platform whose jar {@code mvn package} copies. */
    private static final String AGENT_ENTRY = "linux-x64/libasyncProfiler.so";

    /** Copies the map, keeping its order. */
    ColdStartCpuProfile {
        byOwner = Collections.unmodifiableMap(new LinkedHashMap<>(byOwner));
    }

    /**
     * The agent library, taken out of async-profiler's jar next to the bench jar into {@code work}, or empty
     * (with the reason added to {@code notes}) where it cannot run: not Linux x86-64, or not run from the jar.
     *
     * @param classPath the children's class path
     * @param work an owner-only directory
     * @param notes where the reason for an empty answer goes
     * @return the agent's path
     * @throws IOException if the jar is there but cannot be read
     */
    static Optional<Path> agent(String classPath, Path work, List<String> notes) throws IOException {
        String os = System.getProperty("os.name", "");
        String arch = System.getProperty("os.arch", "");
        if (!os.startsWith("Linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            notes.add("CPU by library skipped: async-profiler's agent is copied for Linux x86-64 only, this is " + os
                    + " " + arch);
            return Optional.empty();
        }
        if (!classPath.endsWith(".jar")) {
            notes.add("CPU by library skipped: the children do not run from bench.jar, beside which mvn package"
                    + " copies async-profiler");
            return Optional.empty();
        }
        Path dir = Path.of(classPath).resolveSibling(AGENT_DIR);
        Optional<Path> jar = Files.isDirectory(dir) ? jarIn(dir) : Optional.empty();
        if (jar.isEmpty()) {
            throw new IOException("CPU by library needs async-profiler's jar in " + dir + ", which mvn package"
                    + " copies there; it is missing");
        }
        Path agent = work.resolve("libasyncProfiler.so");
        try (ZipFile zip = new ZipFile(jar.get().toFile())) {
            ZipEntry entry = zip.getEntry(AGENT_ENTRY);
            if (entry == null) {
                throw new IOException(jar.get() + " holds no " + AGENT_ENTRY);
            }
            try (InputStream in = zip.getInputStream(entry)) {
                Files.copy(in, agent, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return Optional.of(agent);
    }

    private static Optional<Path> jarIn(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".jar")).findFirst();
        }
    }

    /**
     * The JVM option that profiles a child into {@code output}.
     *
     * @param agent from {@link #agent}
     * @param output the collapsed-stacks file, written at exit
     * @return {@code -agentpath:...}
     */
    static String agentOption(Path agent, Path output) {
        return "-agentpath:" + agent + "=start,event=cpu,interval=" + Math.round(INTERVAL_MS * 1000)
                + "us,threads,collapsed,file=" + output;
    }

    /**
     * Reads a profile written under {@link #agentOption}.
     *
     * @param collapsed the file
     * @return the profile
     * @throws IOException if it cannot be read, or holds no sample (the agent did not run)
     */
    static ColdStartCpuProfile read(Path collapsed) throws IOException {
        ColdStartCpuProfile profile = parse(Files.readAllLines(collapsed, StandardCharsets.UTF_8));
        if (profile.allMs() == 0) {
            throw new IOException("the CPU profile " + collapsed + " holds no sample");
        }
        return profile;
    }

    /**
     * Attributes collapsed stacks: each line is {@code [thread tid=N];outermost;...;innermost count}, Java
     * frames as {@code pkg/Class.method}.
     *
     * @param lines the profile's lines
     * @return the profile
     */
    static ColdStartCpuProfile parse(List<String> lines) {
        long all = 0;
        long jit = 0;
        long gc = 0;
        Map<String, Double> byOwner = new TreeMap<>();
        for (String line : lines) {
            int space = line.lastIndexOf(' ');
            if (space < 0) {
                continue;
            }
            long samples = Long.parseLong(line.substring(space + 1).strip());
            String[] frames = line.substring(0, space).split(";");
            all += samples;
            String thread = frames[0];
            if (thread.contains("CompilerThre")) { // Linux keeps 15 characters of a thread's name
                jit += samples;
            } else if (thread.startsWith("[GC Thread") || thread.startsWith("[G1 ")) {
                gc += samples;
            } else {
                byOwner.merge(owner(frames), samples * INTERVAL_MS, Double::sum);
            }
        }
        return new ColdStartCpuProfile(all * INTERVAL_MS, jit * INTERVAL_MS, gc * INTERVAL_MS, mostFirst(byOwner));
    }

    /** The innermost frame's library among the application's, else {@value #JDK}; frame 0 is the thread. */
    private static String owner(String[] frames) {
        for (int i = frames.length - 1; i > 0; i--) {
            String frame = frames[i];
            if (frame.contains("::") || frame.indexOf('/') < 0) {
                continue; // a JVM or native frame
            }
            String library = ClassLoadCensus.library(frame.replace('/', '.'));
            if (library != null && !library.equals("other")) {
                return library;
            }
        }
        return JDK;
    }

    /** The threads other than the JIT compiler's and the GC's, ms. */
    double applicationMs() {
        return allMs - jitMs - gcMs;
    }

    /** In txfn's own code (core and adapter), ms. */
    double txfnMs() {
        return TXFN.stream().mapToDouble(library -> byOwner.getOrDefault(library, 0.0)).sum();
    }

    /**
     * Each figure's median over {@code profiles}, a library missing from a profile counting 0.
     *
     * @param profiles one per run, at least one
     * @return the medians (which need not add up: each is the median of its own)
     */
    static ColdStartCpuProfile median(List<ColdStartCpuProfile> profiles) {
        Map<String, Double> byOwner = new LinkedHashMap<>();
        profiles.stream().flatMap(p -> p.byOwner().keySet().stream()).distinct().forEach(library ->
                byOwner.put(library, median(profiles, p -> p.byOwner().getOrDefault(library, 0.0))));
        return new ColdStartCpuProfile(median(profiles, ColdStartCpuProfile::allMs),
                median(profiles, ColdStartCpuProfile::jitMs), median(profiles, ColdStartCpuProfile::gcMs),
                mostFirst(byOwner));
    }

    /** The entries by value, most first; equal values keep their order. */
    private static Map<String, Double> mostFirst(Map<String, Double> byOwner) {
        return byOwner.entrySet().stream()
                .sorted(Map.Entry.<String, Double>comparingByValue(Comparator.reverseOrder()))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, LinkedHashMap::new));
    }

    private static double median(List<ColdStartCpuProfile> profiles, ToDoubleFunction<ColdStartCpuProfile> figure) {
        return Percentiles.median(profiles.stream().mapToDouble(figure).toArray());
    }

    /**
     * The threads other than JIT and GC by library, as {@code Jdbi 268 ms, JDK and JVM 155 ms, ...}.
     *
     * @return the summary
     */
    String summary() {
        List<String> parts = new ArrayList<>();
        byOwner.forEach((library, ms) -> parts.add(String.format(Locale.ROOT, "%s %.0f", library, ms)));
        return String.join(", ", parts) + " ms";
    }
}
