package borealis.actors.compute;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import borealis.engine.pg.session.PgSession;
import com.typesafe.config.ConfigFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** A session's handover travels between nodes whole: settings, prepared statements, and the channels it listens on. */
class HandoverSerializationTest {

    static final ActorTestKit testKit = ActorTestKit.create(ConfigFactory.parseString("pekko.actor.provider = local")
            .withFallback(ConfigFactory.load()));

    @AfterAll
    static void stop() {
        testKit.shutdownTestKit();
    }

    @Test
    void aHandoverRoundTrips() throws Exception {
        Map<String, String> settings = new LinkedHashMap<>(Map.of("search_path", "app", "borealis.backend_pid", "1234"));
        List<PgSession.NamedStatement> statements = new ArrayList<>(List.of(new PgSession.NamedStatement("s1", "select $1", new int[] {23})));
        PgSession.Handover h = new PgSession.Handover(settings, new LinkedHashMap<>(), statements, new ArrayList<>(List.of("jobs", "Quoted")));
        Serialization s = SerializationExtension.get(Adapter.toClassic(testKit.system()));
        PgSession.Handover back = s.deserialize(s.serialize(h).get(), PgSession.Handover.class).get();
        assertEquals(h.settings(), back.settings());
        assertEquals(List.of("jobs", "Quoted"), back.listening());
        assertEquals("select $1", back.statements().get(0).sql());
        assertArrayEquals(new int[] {23}, back.statements().get(0).parameterTypes());
    }
}
