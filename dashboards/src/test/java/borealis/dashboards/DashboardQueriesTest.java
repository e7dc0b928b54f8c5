package borealis.dashboards;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every metric a dashboard panel queries must exist in a running node's /metrics: a dashboard that
 * names a metric the code does not export shows nothing, silently.
 */
class DashboardQueriesTest {

    @TempDir
    Path tmp;

    @Test
    void everyQueriedMetricIsExported() throws Exception {
        List<Dashboards.Query> queries = Dashboards.queries();
        assertFalse(queries.isEmpty(), "no dashboard queries found in " + Dashboards.DIR.toAbsolutePath());
        try (LoadedNode node = new LoadedNode(tmp.resolve("data"))) {
            Thread.sleep(1000);
            Set<String> exported = Scrape.names(Scrape.fetch(node.adminPort()));
            List<String> missing = new ArrayList<>();
            for (Dashboards.Query q : queries) {
                for (String name : PromQl.metricNames(q.expr())) {
                    if (!exported.contains(name) && !exported.contains(PromQl.family(name))) {
                        missing.add(q.dashboard() + " / " + q.panel() + ": " + name);
                    }
                }
            }
            assertEquals(List.of(), missing, "metrics used in dashboards but not exported");
        }
    }

    @Test
    void dashboardsHaveADataSourceVariableAndUseIt() throws Exception {
        for (Path f : Dashboards.files()) {
            JsonNode d = Dashboards.read(f);
            boolean hasDatasourceVar = false;
            for (JsonNode v : d.path("templating").path("list")) {
                hasDatasourceVar |= v.path("type").asText().equals("datasource") && v.path("query").asText().equals("prometheus");
            }
            assertTrue(hasDatasourceVar, f + " has no Prometheus data-source variable");
            for (JsonNode p : d.path("panels")) {
                assertEquals("${datasource}", p.path("datasource").path("uid").asText(), f + " panel " + p.path("title") + " ignores the variable");
            }
        }
    }
}
