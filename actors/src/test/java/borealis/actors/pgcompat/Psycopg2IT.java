package borealis.actors.pgcompat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** psycopg2 (Debian's python3-psycopg2) runs a CRUD script with parameters, transactions and COPY. */
class Psycopg2IT {

    /** Debian's interpreter: python3-psycopg2 installs for it, not for other Pythons on the PATH. */
    private static final String PYTHON = "/usr/bin/python3";

    private static PgFixture db;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(Files.isExecutable(Path.of(PYTHON)), "no " + PYTHON);
        Processes.Result probe = Processes.run(List.of(PYTHON, "-c", "import psycopg2"), Map.of(), null, 30);
        assumeTrue(probe.exitCode() == 0, "python3-psycopg2 is not installed (scripts/ensure-tools.sh installs it)");
        db = PgFixture.start("psycopg");
    }

    @AfterAll
    static void stop() throws Exception {
        if (db != null) {
            db.close();
        }
    }

    @Test
    void crudScript() throws Exception {
        Path script = Files.createTempFile("psycopg2_crud", ".py");
        try (var in = Psycopg2IT.class.getResourceAsStream("/pgcompat/psycopg2_crud.py")) {
            Files.write(script, in.readAllBytes());
        }
        try {
            Processes.Result r = Processes.run(List.of(PYTHON, script.toString(), db.conninfo()),
                    Map.of("PGPASSWORD", PgFixture.PASSWORD), null, 120);
            assertEquals(0, r.exitCode(), r.output());
            assertTrue(r.output().contains("psycopg2 CRUD script passed"), r.output());
        } finally {
            Files.deleteIfExists(script);
        }
    }
}
