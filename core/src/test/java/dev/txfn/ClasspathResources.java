package dev.txfn;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Test support: classpath resources made by a test (a generated CA bundle, say), visible through the thread's
 * context class loader while {@link #visible(Supplier)} runs, as resources packaged in a deployment jar would be.
 * Resource names carry a random part: txfn keeps what it read of a resource for the life of the process.
 */
final class ClasspathResources implements AutoCloseable {
    private final Path directory;
    private final URLClassLoader loader;

    ClasspathResources(Path directory) {
        this.directory = directory;
        try {
            this.loader = new URLClassLoader(new URL[] {directory.toUri().toURL()}, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Adds a resource {@code <prefix>-<random>.pem} with {@code content}; returns its name. */
    String add(String prefix, String content) {
        String name = prefix + "-" + UUID.randomUUID() + ".pem";
        try {
            Files.writeString(directory.resolve(name), content, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return name;
    }

    /** Runs {@code action} with these resources on the thread's context class loader. */
    <T> T visible(Supplier<T> action) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            return action.get();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    @Override
    public void close() throws IOException {
        loader.close();
    }
}
