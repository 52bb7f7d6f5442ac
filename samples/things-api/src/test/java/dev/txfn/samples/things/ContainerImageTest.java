package dev.txfn.samples.things;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The container image variant holds together: the Dockerfile trains, with the image's own java, exactly the
 * command its {@code ENTRYPOINT} runs, on the jar that command loads; template-container.yaml starts each function
 * with a handler that was trained and the cache trained for it; and it deploys the same functions, events,
 * permissions and settings as template.yaml. {@code AotTrainingIT} runs that training and checks the caches.
 */
class ContainerImageTest {
    private static final YAMLMapper YAML = new YAMLMapper();

    private final ContainerImage image = ContainerImage.read(Path.of("Dockerfile"));

    @Test
    void trainingRunsTheEntrypointWithTheImagesJava() {
        AotTraining.Settings training = AotTraining.parse(image.trainingArguments());

        assertThat(training.runtimeCommand()).isEqualTo(image.entrypoint());
        assertThat(image.trainingRun().get(0)).as("the java that runs the training step")
                .isEqualTo(image.entrypoint().get(0));
        assertThat(training.handlers()).as("every handler is trained").containsExactlyElementsOf(
                AotTraining.TRAINING_EVENTS.keySet());
    }

    @Test
    void theEntrypointLoadsTheCopiedContainerJarThatMavenBuilds() throws IOException {
        List<String> entrypoint = image.entrypoint();
        String classPath = entrypoint.get(entrypoint.indexOf("-cp") + 1);

        assertThat(image.copies()).containsEntry("target/things-api-container.jar", classPath);
        String trainerJar = image.trainingRun().get(image.trainingRun().indexOf("-jar") + 1);
        assertThat(image.copies()).containsEntry("target/things-api.jar", trainerJar);
        String pom = Files.readString(Path.of("pom.xml"));
        List<String> dockerignore = Files.readAllLines(Path.of(".dockerignore")).stream()
                .filter(line -> !line.startsWith("#")).toList();
        assertThat(dockerignore).as(".dockerignore sends only what the Dockerfile copies").contains("*")
                .containsExactlyInAnyOrderElementsOf(withIgnoreAll(image.copies().keySet()));
        for (String source : image.copies().keySet()) {
            assertThat(pom).as("a shade execution writes " + source)
                    .contains("<outputFile>${project.build.directory}/" + Path.of(source).getFileName() + "</outputFile>");
        }
    }

    @Test
    void theDefaultCommandRunsWithItsOwnCache() {
        Path caches = AotTraining.parse(image.trainingArguments()).outputDir();
        String handler = image.cmd().get(0);

        assertThat(AotTraining.TRAINING_EVENTS).containsKey(handler);
        assertThat(image.env().get("JAVA_TOOL_OPTIONS"))
                .isEqualTo("-XX:AOTCache=" + AotTraining.cacheFile(caches, handler));
    }

    @Test
    void everyImageFunctionRunsATrainedHandlerWithThatHandlersCache() throws IOException {
        Path caches = AotTraining.parse(image.trainingArguments()).outputDir();
        JsonNode template = template("template-container.yaml");
        assertThat(template.at("/Globals/Function/PackageType").asText()).isEqualTo("Image");

        Map<String, JsonNode> functions = functions(template);
        List<String> handlers = new ArrayList<>();
        for (JsonNode function : functions.values()) {
            JsonNode command = function.at("/Properties/ImageConfig/Command");
            assertThat(command.size()).isEqualTo(1);
            String handler = command.get(0).asText();
            handlers.add(handler);
            assertThat(function.at("/Properties/Environment/Variables/JAVA_TOOL_OPTIONS").asText())
                    .isEqualTo("-XX:AOTCache=" + AotTraining.cacheFile(caches, handler));
            assertThat(function.at("/Metadata/Dockerfile").asText()).isEqualTo("Dockerfile");
            assertThat(Path.of(function.at("/Metadata/DockerContext").asText(), "Dockerfile")).isRegularFile();
        }
        assertThat(handlers).containsExactlyInAnyOrderElementsOf(AotTraining.TRAINING_EVENTS.keySet());
    }

    @Test
    void theImageTemplateDeploysTheZipTemplatesFunctions() throws IOException {
        JsonNode zip = template("template.yaml");
        JsonNode container = template("template-container.yaml");
        Map<String, JsonNode> zipFunctions = functions(zip);
        Map<String, JsonNode> imageFunctions = functions(container);
        assertThat(imageFunctions.keySet()).containsExactlyElementsOf(zipFunctions.keySet());

        for (String name : zipFunctions.keySet()) {
            ObjectNode zipProperties = (ObjectNode) zipFunctions.get(name).get("Properties").deepCopy();
            ObjectNode imageProperties = (ObjectNode) imageFunctions.get(name).get("Properties").deepCopy();
            assertThat(imageProperties.at("/ImageConfig/Command/0").asText()).as(name + " handler")
                    .isEqualTo(zipProperties.get("Handler").asText());
            zipProperties.remove("Handler");
            imageProperties.remove(List.of("ImageConfig", "Environment"));
            assertThat(imageProperties).as(name + ": events, policies, timeout, description").isEqualTo(zipProperties);
        }
        assertThat(withoutFunctions(container)).isEqualTo(withoutFunctions(zip));
        assertThat(container.get("Outputs")).isEqualTo(zip.get("Outputs"));
        assertThat(container.get("Conditions")).isEqualTo(zip.get("Conditions"));
        ObjectNode zipParameters = zip.get("Parameters").deepCopy();
        zipParameters.remove("SecretsExtensionLayerArn"); // container images take no layers
        assertThat(container.get("Parameters").fieldNames()).toIterable()
                .containsExactlyElementsOf(() -> zipParameters.fieldNames());

        ObjectNode zipVariables = zip.at("/Globals/Function/Environment/Variables").deepCopy();
        List<String> zipFlags = List.of(zipVariables.remove("JAVA_TOOL_OPTIONS").asText().split(" "));
        assertThat(container.at("/Globals/Function/Environment/Variables")).isEqualTo(zipVariables);
        assertThat(image.entrypoint()).as("the zip functions' JVM flags")
                .containsAll(zipFlags.stream().filter(flag -> !flag.equals("-XX:+TieredCompilation")).toList());
        for (String setting : List.of("MemorySize", "Timeout", "Architectures", "AutoPublishAlias", "VpcConfig")) {
            assertThat(container.at("/Globals/Function/" + setting)).as(setting)
                    .isEqualTo(zip.at("/Globals/Function/" + setting));
        }
    }

    /** The .dockerignore that excludes everything ("*") but {@code sources}, comment lines aside. */
    private static List<String> withIgnoreAll(Collection<String> sources) {
        List<String> lines = new ArrayList<>(List.of("*"));
        sources.forEach(source -> lines.add("!" + source));
        return lines;
    }

    private static JsonNode template(String file) throws IOException {
        return YAML.readTree(Path.of(file).toFile());
    }

    private static Map<String, JsonNode> functions(JsonNode template) {
        Map<String, JsonNode> functions = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> resource : template.get("Resources").properties()) {
            if (resource.getValue().path("Type").asText().equals("AWS::Serverless::Function")) {
                functions.put(resource.getKey(), resource.getValue());
            }
        }
        return functions;
    }

    private static JsonNode withoutFunctions(JsonNode template) {
        ObjectNode resources = template.get("Resources").deepCopy();
        resources.remove(functions(template).keySet());
        return resources;
    }
}
