package dev.txfn.lambda.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.txfn.lambda.LocalContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Lambda's X-Ray trace header read into a parent: valid headers give their ids, anything else gives nothing. */
class XrayTraceHeaderTest {
    private static final String HEADER = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";

    @AfterEach
    void clearProperty() {
        System.clearProperty(XrayTraceHeader.SYSTEM_PROPERTY);
    }

    @Test
    void validHeaderGivesTraceIdParentAndSampledFlag() {
        assertThat(XrayTraceHeader.parse(HEADER)).isEqualTo(
                new XrayTraceHeader("5759e988bd862e3fe1be46a994272793", "53995c3f42cd8ad8", true));
    }

    @Test
    void fieldsInAnyOrderWithSpacesUpperCaseAndLineageAreRead() {
        assertThat(XrayTraceHeader.parse(" Sampled=0 ; Lineage=a87bd80c:1|68fd508a:5; parent=53995C3F42CD8AD8;"
                + "ROOT=1-5759E988-BD862E3FE1BE46A994272793")).isEqualTo(
                        new XrayTraceHeader("5759e988bd862e3fe1be46a994272793", "53995c3f42cd8ad8", false));
    }

    @Test
    void sampledOtherThanOneIsNotSampled() {
        assertThat(XrayTraceHeader.parse(HEADER.replace("Sampled=1", "Sampled=?")).sampled()).isFalse();
        assertThat(XrayTraceHeader.parse(HEADER.replace(";Sampled=1", "")).sampled()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ";;;", "garbage", "Root=1-5759e988-bd862e3fe1be46a994272793",
        "Parent=53995c3f42cd8ad8;Sampled=1", "Root=2-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8",
        "Root=1-5759e988bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8",
        "Root=1-5759e98-bd862e3fe1be46a9942727930;Parent=53995c3f42cd8ad8",
        "Root=1-5759e988-bd862e3fe1be46a99427279g;Parent=53995c3f42cd8ad8",
        "Root=1-00000000-000000000000000000000000;Parent=53995c3f42cd8ad8",
        "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=0000000000000000",
        "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad",
        "Root=1-5759e988-bd862e3fe1be46a994272793-extra;Parent=53995c3f42cd8ad8",
        "Root=;Parent=", "=;=", "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8x"})
    void malformedHeaderIsIgnored(String header) {
        assertThat(XrayTraceHeader.parse(header)).isNull();
    }

    @Test
    void missingOrOverlongHeaderIsIgnored() {
        assertThat(XrayTraceHeader.parse(null)).isNull();
        assertThat(XrayTraceHeader.parse(HEADER + ";Lineage=" + "x".repeat(2000))).isNull();
    }

    @Test
    void lambdaContextComesBeforeTheSystemProperty() {
        System.setProperty(XrayTraceHeader.SYSTEM_PROPERTY, "Root=1-11111111-222222222222222222222222");

        assertThat(XrayTraceHeader.find(LocalContext.create().withXrayTraceId(HEADER))).isEqualTo(HEADER);
        assertThat(XrayTraceHeader.find(LocalContext.create()))
                .isEqualTo("Root=1-11111111-222222222222222222222222");
    }

    @Test
    void functionArnGivesRegionAndAccountAndAnythingElseNeither() {
        assertThat(FunctionArn.parse("arn:aws:lambda:eu-west-1:123456789012:function:things:live"))
                .isEqualTo(new FunctionArn("eu-west-1", "123456789012"));
        assertThat(FunctionArn.parse("arn:aws:sqs:eu-west-1:123456789012:orders")).isEqualTo(new FunctionArn(null,
                null));
        assertThat(FunctionArn.parse("not an arn")).isEqualTo(new FunctionArn(null, null));
        assertThat(FunctionArn.parse(null)).isEqualTo(new FunctionArn(null, null));
    }

    @Test
    void httpStatusOfAnUnsettledInvocationIs500AndOfNoResponseNone() {
        assertThat(InvocationOutcome.httpStatus("201", true)).isEqualTo(201);
        assertThat(InvocationOutcome.httpStatus("200", false)).isEqualTo(500);
        assertThat(InvocationOutcome.httpStatus("error", true)).isNull();
        assertThat(InvocationOutcome.errorType("error: java.io.IOException")).isEqualTo("java.io.IOException");
        assertThat(InvocationOutcome.errorType("error")).isEqualTo("_OTHER");
    }
}
