package borealis.dashboards;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PromQlTest {

    @Test
    void namesTheSelectedMetricsButNotFunctionsLabelsOrKeywords() {
        assertEquals(Set.of("borealis_statement_duration_seconds_bucket"), PromQl.metricNames(
                "histogram_quantile(0.99, sum by (le, cluster) (rate(borealis_statement_duration_seconds_bucket{tenant=\"$tenant\", cluster=~\"$cluster\"}[$__rate_interval])))"));
        assertEquals(List.of("borealis_cache_hits_total", "borealis_cache_misses_total"), List.copyOf(PromQl.metricNames(
                "sum(rate(borealis_cache_hits_total[5m])) / (sum(rate(borealis_cache_hits_total[5m])) + sum without (instance) (rate(borealis_cache_misses_total[5m])))")));
        assertEquals(Set.of("a", "b"), PromQl.metricNames("a * on (tenant) group_left (cluster) b offset 5m > bool 3"));
        assertEquals(Set.of("up"), PromQl.metricNames("count(up{job=\"borealis\"} == 1) or vector(0)"));
    }

    @Test
    void histogramSeriesBelongToTheirFamily() {
        assertEquals("borealis_resume_duration_seconds", PromQl.family("borealis_resume_duration_seconds_bucket"));
        assertEquals("borealis_nodes", PromQl.family("borealis_nodes"));
    }

    @Test
    void rejectsBrokenQueries() {
        assertThrows(IllegalArgumentException.class, () -> PromQl.metricNames("sum(rate(x[5m])"));
        assertThrows(IllegalArgumentException.class, () -> PromQl.metricNames("x{a=\"b}"));
    }
}
