package dev.txfn.samples.things;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every {@code ```java} block of the root README compiles against the current code (core, lambda-adapter and
 * the test kit are all on this module's test class path), so the README cannot rot. All blocks share the
 * package {@code readme}, so one block may use a type another declares.
 */
class ReadmeSnippetsTest {
    private static final Pattern PUBLIC_TYPE =
            Pattern.compile("(?m)^public\\s+(?:final\\s+|abstract\\s+)*(?:class|record|interface|enum)\\s+(\\w+)");

    private record Snippet(int line, String code) {
        String fileName() {
            Matcher m = PUBLIC_TYPE.matcher(code);
            return m.find() ? m.group(1) : "ReadmeLine" + line;
        }
    }

    @Test
    void everyJavaSnippetInTheReadmeCompiles(@TempDir Path out) throws IOException {
        List<Snippet> snippets = snippets(Path.of("..", "..", "README.md"));
        assertThat(snippets).hasSizeGreaterThanOrEqualTo(3);

        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        List<JavaFileObject> units = new ArrayList<>();
        for (Snippet s : snippets) {
            units.add(new SimpleJavaFileObject(URI.create("string:///readme/" + s.fileName() + ".java"),
                    JavaFileObject.Kind.SOURCE) {
                @Override
                public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                    // One line, so the compiler's line numbers stay those of the block.
                    return "package readme; " + s.code();
                }
            });
        }
        try (StandardJavaFileManager files = compiler.getStandardFileManager(diagnostics, Locale.ROOT,
                StandardCharsets.UTF_8)) {
            List<String> options = List.of("-classpath", System.getProperty("java.class.path"), "-d",
                    out.toString(), "-proc:none", "--release", "17", "-Xlint:all", "-Werror");
            boolean ok = compiler.getTask(null, files, diagnostics, options, null, units).call();
            assertThat(ok).as("README snippets compile (line numbers are within each block): %s",
                    diagnostics.getDiagnostics()).isTrue();
        }
    }

    private static List<Snippet> snippets(Path readme) throws IOException {
        List<String> lines = Files.readAllLines(readme, StandardCharsets.UTF_8);
        List<Snippet> result = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).strip().equals("```java")) {
                continue;
            }
            int start = i + 1;
            StringBuilder code = new StringBuilder();
            for (i = start; i < lines.size() && !lines.get(i).strip().equals("```"); i++) {
                code.append(lines.get(i)).append('\n');
            }
            result.add(new Snippet(start, code.toString()));
        }
        return result;
    }
}
