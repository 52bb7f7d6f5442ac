package dev.txfn.lambda.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The trace id the invocation's MDC scope takes from the X-Ray trace header. (What the scope puts into the MDC
 * and restores needs a backend with an MDC; slf4j-simple, this module's test backend, has none: the things-api
 * sample tests it with Log4j2, in {@code LambdaLogLinesTest}.)
 */
class InvocationLogContextTest {

    @Test
    void traceIdIsTheRootPartOfTheHeader() {
        assertThat(InvocationLogContext.traceRoot(
                "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"))
                .isEqualTo("1-5759e988-bd862e3fe1be46a994272793");
        assertThat(InvocationLogContext.traceRoot(" Sampled=0; Root=1-abc-def")).isEqualTo("1-abc-def");
    }

    @Test
    void noTraceIdWithoutAHeaderOrWithoutItsRootPart() {
        assertThat(InvocationLogContext.traceRoot(null)).isNull();
        assertThat(InvocationLogContext.traceRoot("Parent=53995c3f42cd8ad8;Sampled=1")).isNull();
        assertThat(InvocationLogContext.traceRoot("Root=")).isNull();
    }
}
