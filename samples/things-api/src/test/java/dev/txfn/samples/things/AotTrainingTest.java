package dev.txfn.samples.things;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The arguments of {@code aot-training} and the command each training run gets. */
class AotTrainingTest {
    private static final List<String> RUNTIME = List.of("/opt/java/bin/java", "-XX:+UseSerialGC", "-cp",
            "/var/task/app.jar", AotTraining.RUNTIME_CLIENT_MAIN);

    @Test
    void withoutHandlersEveryDeployedHandlerIsTrained() {
        AotTraining.Settings settings = AotTraining.parse(arguments(List.of("--output-dir", "/caches")));

        assertThat(settings.outputDir()).isEqualTo(Path.of("/caches"));
        assertThat(settings.handlers()).containsExactly("dev.txfn.samples.things.ThingsApi::handleRequest",
                "dev.txfn.samples.things.ThingsImport::handleRequest", "dev.txfn.samples.things.PurgeIdempotencyKeys");
        assertThat(settings.runtimeCommand()).isEqualTo(RUNTIME);
    }

    @Test
    void aHandlerOptionTrainsThatHandlerOnly() {
        AotTraining.Settings settings = AotTraining.parse(arguments(List.of("--output-dir", "/caches",
                "--handler", "dev.txfn.samples.things.PurgeIdempotencyKeys")));

        assertThat(settings.handlers()).containsExactly("dev.txfn.samples.things.PurgeIdempotencyKeys");
    }

    @Test
    void anUnknownHandlerIsRefusedWithTheKnownOnes() {
        assertThatThrownBy(() -> AotTraining.parse(arguments(List.of("--output-dir", "/c", "--handler", "x.Y"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("aot-training: unknown handler 'x.Y'; the handlers are [");
    }

    @Test
    void theOutputDirectoryIsRequired() {
        assertThatThrownBy(() -> AotTraining.parse(arguments(List.of())))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("aot-training: --output-dir is required");
    }

    @Test
    void aRuntimeCommandThatDoesNotStartTheRuntimeClientIsRefused() {
        List<String> args = List.of("--output-dir", "/c", "--", "java", "-cp", "app.jar", "com.example.Main");

        assertThatThrownBy(() -> AotTraining.parse(args)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("aot-training: after --, the runtime command: JAVA [OPTION]... -cp");
    }

    @Test
    void aRuntimeCommandWithACacheOfItsOwnIsRefused() {
        List<String> runtime = new ArrayList<>(RUNTIME);
        runtime.add(1, "-XX:AOTCache=/old.aot");

        assertThatThrownBy(() -> AotTraining.parse(withRuntime(List.of("--output-dir", "/c"), runtime)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must not name an AOT cache or mode itself");
    }

    @Test
    void eachHandlerHasACacheNamedForItsClass() {
        assertThat(AotTraining.cacheFile(Path.of("/var/task/aot"), "dev.txfn.samples.things.ThingsApi::handleRequest"))
                .isEqualTo(Path.of("/var/task/aot/ThingsApi.aot"));
        assertThat(AotTraining.cacheFile(Path.of("/var/task/aot"), "dev.txfn.samples.things.PurgeIdempotencyKeys"))
                .isEqualTo(Path.of("/var/task/aot/PurgeIdempotencyKeys.aot"));
    }

    @Test
    void theTrainingRunIsTheRuntimeCommandWithTheCacheOutputAndTheHandler() {
        List<String> command = AotTraining.trainingCommand(RUNTIME, Path.of("/caches/ThingsApi.aot"),
                "dev.txfn.samples.things.ThingsApi::handleRequest");

        assertThat(command.get(0)).isEqualTo("/opt/java/bin/java");
        assertThat(command).contains("-XX:AOTCacheOutput=/caches/ThingsApi.aot")
                .containsSubsequence(RUNTIME)
                .endsWith(AotTraining.RUNTIME_CLIENT_MAIN, "dev.txfn.samples.things.ThingsApi::handleRequest");
        assertThat(command.indexOf("-XX:AOTCacheOutput=/caches/ThingsApi.aot")).as("a JVM option, before -cp")
                .isLessThan(command.indexOf("-cp"));
    }

    private static List<String> arguments(List<String> options) {
        return withRuntime(options, RUNTIME);
    }

    private static List<String> withRuntime(List<String> options, List<String> runtime) {
        List<String> args = new ArrayList<>(options);
        args.add("--");
        args.addAll(runtime);
        return args;
    }
}
