package dev.txfn.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The harness's round-trip counts, which are deterministic and so may be asserted: txfn and the raw JDBC
 * baseline cost k + 1 round trips for k statements in every case of measure 1. No timings are asserted here.
 */
class RoundTripMeasureTest {
    private static Map<Scenario, Map<Implementation, long[]>> counts;

    @BeforeAll
    static void countOnce() throws Exception {
        BenchDatabase database = BenchDatabase.shared();
        BenchSchema.ensure(database);
        counts = RoundTripMeasure.count(database, List.of(Implementation.RAW_JDBC, Implementation.TXFN),
                Scenario.ALL, 2);
    }

    @Test
    void txfnCostsKPlusOneRoundTripsInEveryCase() {
        for (Scenario scenario : Scenario.ALL) {
            assertThat(counts.get(scenario).get(Implementation.TXFN)).as(scenario.name())
                    .containsOnly(scenario.limit());
        }
    }

    @Test
    void rawJdbcBaselineCostsKPlusOneRoundTripsInEveryCase() {
        for (Scenario scenario : Scenario.ALL) {
            assertThat(counts.get(scenario).get(Implementation.RAW_JDBC)).as(scenario.name())
                    .containsOnly(scenario.limit());
        }
    }

    @Test
    void ratiosDivideByTheRawJdbcFigure() {
        Map<String, Double> ratios = RoundTripMeasure.ratiosToBaseline(
                new LinkedHashMap<>(Map.of("raw-jdbc", 2L, "jdbi", 6L)));
        assertThat(ratios).containsExactly(Map.entry("jdbi/raw-jdbc", 3.0));
    }
}
