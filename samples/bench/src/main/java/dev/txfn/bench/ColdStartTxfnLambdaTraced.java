package dev.txfn.bench;

import dev.txfn.lambda.LambdaResources;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.concurrent.TimeUnit;

/**
 * Cold-start variant 4 with traces: the same handler and request as {@link ColdStartTxfnLambda}, as deployed
 * ({@code LambdaResources.fromEnv()}), with the OpenTelemetry SDK registered first (a simple span processor to a
 * no-op exporter, so the figure is the SDK's and the invocation span's cost, not a network's) and the telemetry
 * flush set, as a traced function would. Run as a child process by {@link ColdStartMeasure}.
 */
public final class ColdStartTxfnLambdaTraced {

    private ColdStartTxfnLambdaTraced() {
    }

    /**
     * Starts, serves one request, prints the timings and exits.
     *
     * @param args none
     */
    public static void main(String[] args) {
        ColdStartTxfnLambda.run(() -> {
            OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
                    .setTracerProvider(SdkTracerProvider.builder()
                            .addSpanProcessor(SimpleSpanProcessor.create(SpanExporter.composite()))
                            .build())
                    .buildAndRegisterGlobal();
            LambdaResources resources = LambdaResources.fromEnv();
            return new ColdStartTxfnLambda.Handler(resources.withSettings(resources.settings().withTelemetryFlush(
                    () -> sdk.getSdkTracerProvider().forceFlush().join(1, TimeUnit.SECONDS))));
        });
    }
}
