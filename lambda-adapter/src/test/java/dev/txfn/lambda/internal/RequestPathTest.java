package dev.txfn.lambda.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Path decoding: each segment exactly once, after splitting. */
class RequestPathTest {

    @Test
    void encodedPathIsSplitThenEachSegmentDecodedOnce() {
        RequestPath path = RequestPath.ofEncoded("/things/a%2Fb/%2541/caf%C3%A9/a+b");

        assertThat(path.segments()).containsExactly("things", "a/b", "%41", "café", "a+b");
        assertThat(path.encoded()).isEqualTo("/things/a%2Fb/%2541/caf%C3%A9/a+b");
    }

    @Test
    void escapesThatAreNotEscapesAreKeptAsSent() {
        assertThat(RequestPath.ofEncoded("/50%/50%zz/%4/%41%").segments())
                .containsExactly("50%", "50%zz", "%4", "A%");
    }

    @Test
    void escapesOfBytesThatAreNotUtf8KeepTheSegmentAsSent() {
        assertThat(RequestPath.ofEncoded("/caf%E9/%C3").segments()).containsExactly("caf%E9", "%C3");
    }

    @Test
    void emptySegmentsAreDropped() {
        assertThat(RequestPath.ofEncoded("//things//7/").segments()).containsExactly("things", "7");
        assertThat(RequestPath.ofEncoded("/").segments()).isEmpty();
    }

    @Test
    void decodedPathIsSplitAndNeverDecodedAgain() {
        RequestPath path = RequestPath.ofDecoded("/things/%41/50%/café/a b?#/");

        assertThat(path.segments()).containsExactly("things", "%41", "50%", "café", "a b?#");
        assertThat(path.encoded()).isEqualTo("/things/%2541/50%25/caf%C3%A9/a%20b%3F%23/");
    }

    @Test
    void decodedPathKeepsWhatASegmentMayHoldLiterally() {
        assertThat(RequestPath.ofDecoded("/a+b:c@d!$&'()*,;=-._~").encoded()).isEqualTo("/a+b:c@d!$&'()*,;=-._~");
        assertThat(RequestPath.ofDecoded("/").encoded()).isEqualTo("/");
        assertThat(RequestPath.ofDecoded("").segments()).isEqualTo(List.of());
    }
}
