package dev.txfn.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the cold-start measure attributes a profile's samples: to the JIT, the GC, or the library whose frame is
 * innermost among the application's on the stack. Collapsed stacks as async-profiler writes them with
 * {@code threads}; the last test profiles a real child JVM.
 */
class ColdStartCpuProfileTest {

    @Test
    void eachSampleGoesToTheInnermostLibraryFrameWithTheJvmsWorkOnItsBehalf() {
        ColdStartCpuProfile profile = ColdStartCpuProfile.parse(List.of(
                // txfn calls Jdbi: Jdbi's
                "[main tid=1];dev/txfn/bench/ColdStartTxfn.main;dev/txfn/internal/TransactionRunner.create;"
                        + "org/jdbi/v3/core/Jdbi.create;java/util/HashMap.put 10",
                // Jdbi calls back into txfn, which loads a class: txfn's, JVM frames included
                "[main tid=1];org/jdbi/v3/core/Handle.inTransaction;dev/txfn/internal/Attempt.run;"
                        + "java/lang/ClassLoader.loadClass;SystemDictionary::resolve_or_null;ClassFileParser::parse 4",
                // a lambda class of Jdbi's, named as the JVM names it
                "[main tid=1];org/jdbi/v3/core/config/ConfigRegistry$$Lambda$27.0x00007f6df801d248.createInstance;"
                        + "java/lang/invoke/LambdaForm$DMH.0x1.invokeStatic 3",
                "[txfn:connection-adder tid=7];com/zaxxer/hikari/pool/PoolBase.newConnection;"
                        + "org/postgresql/Driver.connect;java/net/Socket.connect 6",
                "[main tid=1];dev/txfn/lambda/HttpApiHandler.handleRequest;"
                        + "com/fasterxml/jackson/core/JsonGenerator.writeString 2",
                "[main tid=1];dev/txfn/lambda/HttpApiHandler.handleRequest;java/util/UUID.randomUUID 1",
                // no library frame at all
                "[main tid=1];JavaMain;InitializeJVM;Threads::create_vm 8",
                "[C2 CompilerThre tid=3];thread_native_entry;C2Compiler::compile_method 20",
                "[C1 CompilerThre tid=4];Compilation::compile_method 5",
                "[GC Thread#0 tid=5];GangWorker::loop 2",
                "[G1 Conc#0 tid=6];G1ConcurrentMark 1"));

        assertThat(profile.allMs()).isEqualTo(62 * ColdStartCpuProfile.INTERVAL_MS);
        assertThat(profile.jitMs()).isEqualTo(25 * ColdStartCpuProfile.INTERVAL_MS);
        assertThat(profile.gcMs()).isEqualTo(3 * ColdStartCpuProfile.INTERVAL_MS);
        assertThat(profile.applicationMs()).isEqualTo(34 * ColdStartCpuProfile.INTERVAL_MS);
        assertThat(profile.byOwner()).containsExactly(
                Map.entry("Jdbi", 6.5), Map.entry(ColdStartCpuProfile.JDK, 4.0), Map.entry("pgjdbc", 3.0),
                Map.entry("txfn core", 2.0), Map.entry("Jackson", 1.0), Map.entry("txfn adapter", 0.5));
        assertThat(profile.txfnMs()).isEqualTo(2.5);
        assertThat(profile.summary()).isEqualTo(
                "Jdbi 7, JDK and JVM 4, pgjdbc 3, txfn core 2, Jackson 1, txfn adapter 1 ms");
    }

    @Test
    void aMedianProfileTakesEachFiguresMedianAndCountsAMissingLibraryAsZero() {
        ColdStartCpuProfile median = ColdStartCpuProfile.median(List.of(
                new ColdStartCpuProfile(100, 40, 2, Map.of("Jdbi", 30.0, "txfn core", 5.0)),
                new ColdStartCpuProfile(120, 50, 4, Map.of("Jdbi", 40.0)),
                new ColdStartCpuProfile(90, 45, 3, Map.of("Jdbi", 35.0, "txfn core", 7.0))));

        assertThat(median.allMs()).isEqualTo(100);
        assertThat(median.jitMs()).isEqualTo(45);
        assertThat(median.gcMs()).isEqualTo(3);
        assertThat(median.byOwner()).containsExactly(Map.entry("Jdbi", 35.0), Map.entry("txfn core", 5.0));
    }

    @Test
    void anEmptyProfileIsAnErrorNotAZero(@TempDir Path dir) throws IOException {
        Path empty = Files.writeString(dir.resolve("empty.collapsed"), "");

        assertThatThrownBy(() -> ColdStartCpuProfile.read(empty)).isInstanceOf(IOException.class)
                .hasMessageContaining("holds no sample");
    }

    @Test
    void theAgentProfilesAChildJvm(@TempDir Path dir) throws Exception {
        Path jar = Path.of("target", "bench.jar").toAbsolutePath();
        List<String> notes = new ArrayList<>();
        Optional<Path> agent = ColdStartCpuProfile.agent(jar.toString(), dir, notes);
        if (agent.isEmpty()) {
            assertThat(notes).singleElement().asString().startsWith("CPU by library skipped");
            return; // not Linux x86-64: the measure skips the rows and says so
        }
        Path profile = dir.resolve("child.collapsed");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(java.toString(), ColdStartCpuProfile.agentOption(agent.get(), profile),
                "-cp", System.getProperty("java.class.path"), ProfiledChild.class.getName())
                .redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes());
        assertThat(child.waitFor()).as(output).isZero();

        ColdStartCpuProfile read = ColdStartCpuProfile.read(profile);
        assertThat(read.allMs()).isPositive();
        assertThat(read.applicationMs()).isPositive();
        assertThat(read.byOwner()).containsKey("bench handler"); // ProfiledChild spins in dev.txfn.bench
    }

    /** A child that spends CPU in a frame of its own for about 200 ms. */
    static final class ProfiledChild {
        private ProfiledChild() {
        }

        /**
         * Spins.
         *
         * @param args none
         */
        public static void main(String[] args) {
            long end = System.nanoTime() + 200_000_000L;
            long x = 0;
            while (System.nanoTime() < end) {
                x += Long.numberOfTrailingZeros(x + 1);
            }
            System.out.println(x);
        }
    }
}
