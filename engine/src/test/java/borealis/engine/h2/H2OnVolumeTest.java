package borealis.engine.h2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import borealis.persistence.volume.client.ReplicatedVolume;
import borealis.persistence.volume.log.VolumeLayout;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class H2OnVolumeTest {

    @TempDir
    Path dir;

    private static Connection connect(String volumeId) throws Exception {
        Properties p = new Properties();
        p.setProperty("user", "sa");
        p.setProperty("password", "pw");
        return new org.h2.Driver().connect("jdbc:h2:" + VolumeFileSystem.databasePath(volumeId)
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;WRITE_DELAY=0;RETENTION_TIME=0;FILE_LOCK=NO;TRACE_LEVEL_FILE=0", p);
    }

    @Test
    void committedRowsSurviveReopeningTheVolumeInANewEpoch() throws Exception {
        VolumeLayout layout = new VolumeLayout(256 * 1024);
        try (InProcessSegments segments = new InProcessSegments(dir, layout)) {
            ReplicatedVolume v1 = ReplicatedVolume.open("v1", layout, segments, 1, ReplicatedVolume.Settings.defaults());
            VolumeFileSystem.mount(v1);
            try (Connection c = connect("v1"); Statement s = c.createStatement()) {
                s.execute("create table t(id int primary key, v varchar)");
                for (int i = 0; i < 2000; i++) {
                    s.execute("insert into t values (" + i + ", repeat('x', 100))");
                }
                v1.whenDurable(v1.highestLsn()).get();
                s.execute("shutdown");
            }
            VolumeFileSystem.unmount(v1);
            v1.close();
            assertTrue(layout.groupOf(v1.size()) >= 1, "the database should span several groups, size " + v1.size());

            ReplicatedVolume v2 = ReplicatedVolume.open("v1", layout, segments, 2, ReplicatedVolume.Settings.defaults());
            VolumeFileSystem.mount(v2);
            try (Connection c = connect("v1"); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select count(*) from t")) {
                rs.next();
                assertEquals(2000, rs.getInt(1));
                s.execute("shutdown");
            }
            VolumeFileSystem.unmount(v2);
            v2.close();
        }
    }
}
