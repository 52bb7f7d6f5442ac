package dev.txfn.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The deployed cold-start variant starts the handler as the things sample's container image does. */
class ColdStartRuntimeClientTest {

    @Test
    void startsTheRuntimeClientWithTheOptionsOfTheContainerImagesEntrypoint() throws IOException {
        String entrypointLine = Files.readAllLines(Path.of("../things-api/Dockerfile"), StandardCharsets.UTF_8)
                .stream().filter(line -> line.startsWith("ENTRYPOINT ")).findFirst().orElseThrow(
                        () -> new AssertionError("samples/things-api/Dockerfile has no ENTRYPOINT line"));
        List<String> entrypoint = Arrays.asList(new ObjectMapper().readValue(
                entrypointLine.substring("ENTRYPOINT ".length()), String[].class));

        assertThat(entrypoint.get(entrypoint.size() - 1)).as("the ENTRYPOINT's main class")
                .isEqualTo(ColdStartRuntimeClient.RUNTIME_CLIENT_MAIN);
        assertThat(entrypoint.subList(1, entrypoint.indexOf("-cp"))).as("the ENTRYPOINT's JVM options")
                .isEqualTo(ColdStartRuntimeClient.ENTRYPOINT_OPTIONS);
    }
}
