package dev.txfn.lambda.internal;

import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.logging.LogLevel;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * The {@code Context.getLogger()} of local runs: each call is one line through SLF4J (logger
 * {@code dev.txfn.lambda.LocalContext}), so it gets the backend's format and the invocation's request id as it
 * would in Lambda, where the runtime writes each call as one event. A call without a level is INFO; FATAL is ERROR.
 * Stateless; thread-safe.
 */
public final class Slf4jLambdaLogger implements LambdaLogger {
    private static final Logger LOG = LoggerFactory.getLogger("dev.txfn.lambda.LocalContext");

    @Override
    public void log(String message) {
        log(message, LogLevel.UNDEFINED);
    }

    @Override
    public void log(byte[] message) {
        log(new String(message, StandardCharsets.UTF_8), LogLevel.UNDEFINED);
    }

    @Override
    public void log(byte[] message, LogLevel logLevel) {
        log(new String(message, StandardCharsets.UTF_8), logLevel);
    }

    @Override
    public void log(String message, LogLevel logLevel) {
        Level level = switch (logLevel == null ? LogLevel.UNDEFINED : logLevel) {
            case TRACE -> Level.TRACE;
            case DEBUG -> Level.DEBUG;
            case WARN -> Level.WARN;
            case ERROR, FATAL -> Level.ERROR;
            default -> Level.INFO;
        };
        if (LOG.isEnabledForLevel(level)) {
            // One call, one line: the trailing line break callers add for the text runtime is not a second one.
            LOG.atLevel(level).log(message == null ? "null" : message.stripTrailing());
        }
    }
}
