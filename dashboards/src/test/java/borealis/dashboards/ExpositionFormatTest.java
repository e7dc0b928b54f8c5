package borealis.dashboards;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node's /metrics output must parse with Prometheus' own text-format parser (promtool, from
 * Debian's prometheus package, which scripts/ensure-tools.sh installs) and pass its lint rules.
 */
class ExpositionFormatTest {

    @TempDir
    Path tmp;

    static boolean promtoolAvailable() {
        return new File("/usr/bin/promtool").canExecute();
    }

    @Test
    void exposition004ParsesWithPromtool() throws Exception {
        assumeTrue(promtoolAvailable(), "promtool is not installed (Debian package prometheus) and could not be installed here");
        try (LoadedNode node = new LoadedNode(tmp.resolve("data"))) {
            Thread.sleep(1000);
            String body = Scrape.fetch(node.adminPort());
            Process p = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
            p.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(60, TimeUnit.SECONDS);
            assertEquals(0, p.exitValue(), "promtool check metrics found problems:\n" + out);
        }
    }
}
