package dev.txfn.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What a span may record of a statement's text: no literal, no comment; identifiers and markers kept. */
class QueryTextTest {

    private static String sanitized(String sql) {
        return QueryText.of(sql).sanitized();
    }

    @Test
    void stringLiteralsBecomeMarkers() {
        assertThat(sanitized("select * from t where name = 'secret' and note = 'it''s'"))
                .isEqualTo("select * from t where name = ? and note = ?");
    }

    @Test
    void escapeStringsEndAtTheirRealClosingQuote() {
        assertThat(sanitized("select E'a\\'secret' , e'x\\\\' from t"))
                .isEqualTo("select ? , ? from t");
    }

    @Test
    void bitHexNationalAndUnicodeStringsBecomeMarkers() {
        assertThat(sanitized("select B'1010', X'1F', N'secret', U&'d\\0061t', U&\"d\\0061t\" from t"))
                .isEqualTo("select ?, ?, ?, ?, U&\"d\\0061t\" from t");
    }

    @Test
    void dollarQuotedBodiesBecomeMarkersNestedTagsIncluded() {
        assertThat(sanitized("select $$secret$$, $body$ a $inner$ secret $inner$ b $body$ from t"))
                .isEqualTo("select ?, ? from t");
    }

    @Test
    void unterminatedLiteralHidesTheRest() {
        assertThat(sanitized("select 'secret")).isEqualTo("select ?");
        assertThat(sanitized("select $x$ secret")).isEqualTo("select ?");
    }

    @Test
    void unterminatedQuotedIdentifierHidesTheRest() {
        assertThat(sanitized("select \"name from t where password = 'secret'"))
                .isEqualTo("select ?");
        assertThat(sanitized("select \"a\"\" where p = 'secret'")).isEqualTo("select ?");
    }

    @Test
    void numbersBecomeMarkersButIdentifiersWithDigitsStay() {
        assertThat(sanitized("select t1.c2 + 42, 3.14, .5, 1e-7, 2E+3, 0x1F, 1_000 from t1 limit 10"))
                .isEqualTo("select t1.c2 + ?, ?, ?, ?, ?, ?, ? from t1 limit ?");
    }

    @Test
    void parameterMarkersAndCastsStay() {
        assertThat(sanitized("select $1::int, ?, a$b from t where x = $12"))
                .isEqualTo("select $1::int, ?, a$b from t where x = $12");
    }

    @Test
    void quotedIdentifiersStayWithTheirQuotesAndContent() {
        assertThat(sanitized("select \"it's \"\"x\"\" 1\" from \"T\" where a = 'v'"))
                .isEqualTo("select \"it's \"\"x\"\" 1\" from \"T\" where a = ?");
    }

    @Test
    void commentsAreRemovedNestedBlockCommentsIncluded() {
        assertThat(sanitized("/* user=secret /* nested */ still */ select 1 -- secret\nfrom t"))
                .isEqualTo("select ? \nfrom t");
    }

    @Test
    void quotesInsideCommentsDoNotStartLiterals() {
        assertThat(sanitized("select a -- it's\n, 'secret' from t")).isEqualTo("select a \n, ? from t");
    }

    @Test
    void operationIsTheFirstKeywordInUpperCase() {
        assertThat(QueryText.of("  /* hint */ (select 1)").operation()).isEqualTo("SELECT");
        assertThat(QueryText.of("insert into t values (1)").operation()).isEqualTo("INSERT");
        assertThat(QueryText.of("with x as (select 1) update t set a = 1").operation()).isEqualTo("WITH");
        assertThat(QueryText.of("'just a literal'").operation()).isNull();
    }
}
