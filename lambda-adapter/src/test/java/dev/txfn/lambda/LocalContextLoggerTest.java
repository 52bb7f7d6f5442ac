package dev.txfn.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.logging.LogLevel;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * {@code LocalContext.getLogger()} writes through SLF4J (here slf4j-simple, on standard error), one line a call,
 * at the level asked, so a local run's context logging takes the backend's format as Lambda's does.
 */
class LocalContextLoggerTest {

    @Test
    void eachCallIsOneLineOfTheLocalContextLoggerAtItsLevel() {
        LambdaLogger logger = LocalContext.create().getLogger();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream original = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            logger.log("plain call\n");
            logger.log("a warning", LogLevel.WARN);
            logger.log("fatal is error".getBytes(StandardCharsets.UTF_8), LogLevel.FATAL);
        } finally {
            System.setErr(original);
        }

        assertThat(err.toString(StandardCharsets.UTF_8).lines()).containsExactly(
                "[main] INFO dev.txfn.lambda.LocalContext - plain call",
                "[main] WARN dev.txfn.lambda.LocalContext - a warning",
                "[main] ERROR dev.txfn.lambda.LocalContext - fatal is error");
    }
}
