package dev.txfn.internal;

/**
 * Whether the OpenTelemetry API can be loaded: checked once, without initializing any of its classes, before
 * anything touches {@link OtelTracing}.
 */
final class OpenTelemetryPresence {
    static final boolean PRESENT = present();

    private OpenTelemetryPresence() {
    }

    private static boolean present() {
        ClassLoader loader = OpenTelemetryPresence.class.getClassLoader();
        try {
            Class.forName("io.opentelemetry.api.GlobalOpenTelemetry", false, loader);
            Class.forName("io.opentelemetry.context.Context", false, loader);
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
