package dev.txfn.lambda.internal;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One SERVER span per invocation (CONSUMER for an SQS batch) with the FaaS semantic conventions, made current
 * while the handler runs so that spans the work starts (txfn's transactions, the application's own) nest under
 * it. The tracer is the application's {@code GlobalOpenTelemetry}, looked up on each invocation (without
 * registering a no-op one), so one registered during the function's init is used even if the handler was built
 * first.
 *
 * <p>The parent, first that applies: a span already current (an agent or wrapper made the invocation span);
 * the trace Lambda hands over ({@link XrayTraceHeader}), with a W3C {@code traceparent} of the HTTP request
 * added as a link; the {@code traceparent} alone; none (a new trace). Thread-safe.
 */
final class OtelInvocationTracing implements InvocationTracing {
    private static final String INSTRUMENTATION_SCOPE = "dev.txfn.lambda";

    static final AttributeKey<String> FAAS_TRIGGER = AttributeKey.stringKey("faas.trigger");
    static final AttributeKey<String> FAAS_INVOCATION_ID = AttributeKey.stringKey("faas.invocation_id");
    static final AttributeKey<Boolean> FAAS_COLDSTART = AttributeKey.booleanKey("faas.coldstart");
    static final AttributeKey<String> FAAS_NAME = AttributeKey.stringKey("faas.name");
    static final AttributeKey<String> FAAS_VERSION = AttributeKey.stringKey("faas.version");
    static final AttributeKey<String> CLOUD_PROVIDER = AttributeKey.stringKey("cloud.provider");
    static final AttributeKey<String> CLOUD_PLATFORM = AttributeKey.stringKey("cloud.platform");
    static final AttributeKey<String> CLOUD_REGION = AttributeKey.stringKey("cloud.region");
    static final AttributeKey<String> CLOUD_ACCOUNT_ID = AttributeKey.stringKey("cloud.account.id");
    static final AttributeKey<String> CLOUD_RESOURCE_ID = AttributeKey.stringKey("cloud.resource_id");
    static final AttributeKey<String> HTTP_REQUEST_METHOD = AttributeKey.stringKey("http.request.method");
    static final AttributeKey<String> HTTP_ROUTE = AttributeKey.stringKey("http.route");
    static final AttributeKey<Long> HTTP_RESPONSE_STATUS_CODE = AttributeKey.longKey("http.response.status_code");
    static final AttributeKey<String> MESSAGING_SYSTEM = AttributeKey.stringKey("messaging.system");
    static final AttributeKey<String> MESSAGING_OPERATION_TYPE = AttributeKey.stringKey("messaging.operation.type");
    static final AttributeKey<String> MESSAGING_DESTINATION = AttributeKey.stringKey("messaging.destination.name");
    static final AttributeKey<Long> MESSAGING_BATCH_COUNT = AttributeKey.longKey("messaging.batch.message_count");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    static final AttributeKey<String> TXFN_OUTCOME = AttributeKey.stringKey("txfn.invocation.outcome");
    static final AttributeKey<Boolean> TXFN_SETTLED = AttributeKey.booleanKey("txfn.invocation.settled");
    static final AttributeKey<Long> TXFN_TRANSACTIONS = AttributeKey.longKey("txfn.invocation.transactions");
    static final AttributeKey<Long> TXFN_RETRIES = AttributeKey.longKey("txfn.invocation.retries");

    /** Lambda builds one handler per execution environment: its first invocation is the environment's. */
    private final AtomicBoolean firstInvocation = new AtomicBoolean(true);

    private OtelInvocationTracing() {
    }

    /**
     * The tracing; only called once the API is known to be on the class path. An API older than 1.57 (the
     * application's version wins over txfn's optional one) has no {@code GlobalOpenTelemetry.getOrNoop()}, and
     * {@code get()} would fix the global to a no-op before the application sets one: then there are no
     * invocation spans, which one WARN says, rather than a failed start and a WARN on every invocation.
     *
     * @return the tracing, or {@link #NONE} with an API older than 1.57
     */
    static InvocationTracing create() {
        try {
            GlobalOpenTelemetry.class.getMethod("getOrNoop");
        } catch (NoSuchMethodException e) {
            LOG.warn("invocation spans are off: the OpenTelemetry API on the class path is older than 1.57 and has"
                    + " no GlobalOpenTelemetry.getOrNoop() to read the global without fixing it to a no-op; use"
                    + " API 1.57 or later");
            return NONE;
        }
        return new OtelInvocationTracing();
    }

    @Override
    public ActiveSpan begin(com.amazonaws.services.lambda.runtime.Context lambda, InvocationTrigger trigger) {
        boolean cold = firstInvocation.getAndSet(false);
        try {
            return start(lambda, trigger, cold);
        } catch (RuntimeException | LinkageError e) { // a trace is never worth failing an invocation
            LOG.warn("invocation {} has no span: starting it failed", lambda.getAwsRequestId(), e);
            return ActiveSpan.NONE;
        }
    }

    private ActiveSpan start(com.amazonaws.services.lambda.runtime.Context lambda, InvocationTrigger trigger,
            boolean cold) {
        Context current = Context.current();
        Context parent = current;
        SpanContext link = null;
        if (!Span.fromContext(current).getSpanContext().isValid()) {
            Context fromHeaders = trigger.headers().isEmpty() ? Context.root()
                    : W3CTraceContextPropagator.getInstance().extract(Context.root(), trigger.headers(),
                            HeaderGetter.INSTANCE);
            XrayTraceHeader fromLambda = XrayTraceHeader.parse(XrayTraceHeader.find(lambda));
            if (fromLambda != null) {
                parent = Context.root().with(Span.wrap(SpanContext.createFromRemoteParent(fromLambda.traceId(),
                        fromLambda.parentId(), fromLambda.sampled() ? TraceFlags.getSampled() : TraceFlags.getDefault(),
                        TraceState.getDefault())));
                SpanContext http = Span.fromContext(fromHeaders).getSpanContext();
                link = http.isValid() ? http : null;
            } else {
                parent = fromHeaders;
            }
        }
        SpanBuilder builder = GlobalOpenTelemetry.getOrNoop().getTracer(INSTRUMENTATION_SCOPE)
                .spanBuilder(spanName(lambda, trigger))
                .setParent(parent)
                .setSpanKind(trigger.type() == InvocationTrigger.Type.SQS ? SpanKind.CONSUMER : SpanKind.SERVER);
        if (link != null) {
            builder.addLink(link);
        }
        setFunctionAttributes(builder, lambda, trigger, cold);
        Span span = builder.startSpan();
        Scope scope = parent.with(span).makeCurrent();
        return new OtelActiveSpan(span, scope, trigger.type() == InvocationTrigger.Type.HTTP);
    }

    /** Per the semantic conventions: {@code GET /things/{id}} (or {@code GET} with no route), {@code process
     * queue}, or the function name. */
    private static String spanName(com.amazonaws.services.lambda.runtime.Context lambda, InvocationTrigger trigger) {
        return switch (trigger.type()) {
            case HTTP -> trigger.httpRoute() == null ? trigger.httpMethod()
                    : trigger.httpMethod() + " " + trigger.httpRoute();
            case SQS -> "process " + trigger.queue();
            case TIMER, OTHER -> lambda.getFunctionName() == null ? "invocation" : lambda.getFunctionName();
        };
    }

    private static void setFunctionAttributes(SpanBuilder builder,
            com.amazonaws.services.lambda.runtime.Context lambda, InvocationTrigger trigger, boolean cold) {
        builder.setAttribute(FAAS_TRIGGER, trigger.type().semanticValue())
                .setAttribute(FAAS_COLDSTART, cold)
                .setAttribute(CLOUD_PROVIDER, "aws")
                .setAttribute(CLOUD_PLATFORM, "aws_lambda");
        setIfPresent(builder, FAAS_INVOCATION_ID, lambda.getAwsRequestId());
        setIfPresent(builder, FAAS_NAME, lambda.getFunctionName());
        setIfPresent(builder, FAAS_VERSION, lambda.getFunctionVersion());
        FunctionArn arn = FunctionArn.parse(lambda.getInvokedFunctionArn());
        setIfPresent(builder, CLOUD_RESOURCE_ID, lambda.getInvokedFunctionArn());
        setIfPresent(builder, CLOUD_REGION, arn.region() != null ? arn.region() : System.getenv("AWS_REGION"));
        setIfPresent(builder, CLOUD_ACCOUNT_ID, arn.accountId());
        switch (trigger.type()) {
            case HTTP -> {
                setIfPresent(builder, HTTP_REQUEST_METHOD, trigger.httpMethod());
                setIfPresent(builder, HTTP_ROUTE, trigger.httpRoute());
            }
            case SQS -> {
                builder.setAttribute(MESSAGING_SYSTEM, "aws_sqs")
                        .setAttribute(MESSAGING_OPERATION_TYPE, "process")
                        .setAttribute(MESSAGING_BATCH_COUNT, (long) trigger.batchSize());
                setIfPresent(builder, MESSAGING_DESTINATION, trigger.queue());
            }
            case TIMER, OTHER -> {
                // the FaaS attributes say it all
            }
        }
    }

    private static void setIfPresent(SpanBuilder builder, AttributeKey<String> key, String value) {
        if (value != null && !value.isEmpty()) {
            builder.setAttribute(key, value);
        }
    }

    /** The current span of one invocation. */
    private static final class OtelActiveSpan implements ActiveSpan {
        private final Span span;
        private final Scope scope;
        private final boolean http;

        OtelActiveSpan(Span span, Scope scope, boolean http) {
            this.span = span;
            this.scope = scope;
            this.http = http;
        }

        @Override
        public void end(String outcome, boolean settled, int transactions, int retries) {
            try {
                span.setAttribute(TXFN_OUTCOME, outcome);
                span.setAttribute(TXFN_SETTLED, settled);
                span.setAttribute(TXFN_TRANSACTIONS, (long) transactions);
                span.setAttribute(TXFN_RETRIES, (long) retries);
                Integer status = http ? InvocationOutcome.httpStatus(outcome, settled) : null;
                if (status != null) {
                    span.setAttribute(HTTP_RESPONSE_STATUS_CODE, (long) status);
                }
                if (!settled) {
                    span.setAttribute(ERROR_TYPE, "txfn.unsettled");
                    span.setStatus(StatusCode.ERROR, "the invocation left a transaction open or a connection"
                            + " checked out (repaired)");
                } else if (status != null && status >= 500) {
                    span.setAttribute(ERROR_TYPE, Integer.toString(status));
                    span.setStatus(StatusCode.ERROR);
                } else if (outcome.startsWith("error")) {
                    span.setAttribute(ERROR_TYPE, InvocationOutcome.errorType(outcome));
                    span.setStatus(StatusCode.ERROR, outcome);
                }
                span.end();
            } catch (RuntimeException | LinkageError e) {
                LOG.warn("ending an invocation span failed", e);
            } finally {
                scope.close();
            }
        }
    }

    /** Reads header values from the request's lower-cased header map. */
    private enum HeaderGetter implements TextMapGetter<Map<String, String>> {
        INSTANCE;

        @Override
        public String get(Map<String, String> carrier, String key) {
            return carrier == null || key == null ? null : carrier.get(key.toLowerCase(Locale.ROOT));
        }
    }
}
