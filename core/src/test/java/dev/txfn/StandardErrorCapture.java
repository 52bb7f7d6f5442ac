package dev.txfn;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Test support: what is printed on System.err (slf4j-simple's target in tests) while some work runs. */
final class StandardErrorCapture {
    private StandardErrorCapture() {
    }

    /** Runs {@code work} while System.err is captured; returns what it printed, after printing it through. */
    static String during(Runnable work) {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            work.run();
        } finally {
            System.setErr(original);
        }
        String text = captured.toString(StandardCharsets.UTF_8);
        original.print(text);
        return text;
    }
}
