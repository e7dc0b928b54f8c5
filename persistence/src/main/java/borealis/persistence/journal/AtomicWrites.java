package borealis.persistence.journal;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.persistence.AtomicWrite;
import org.apache.pekko.persistence.PersistentRepr;
import org.apache.pekko.serialization.Serialization;
import scala.jdk.javaapi.CollectionConverters;

/** Pekko's atomic writes as the journals store them: every event serialized whole, as a {@link PersistentRepr}. */
final class AtomicWrites {

    /** One entry per write that serialized, and one result per write (the exception of one that did not). */
    record Serialized(List<LogEntry.Events> writes, List<Optional<Exception>> results) {}

    private AtomicWrites() {}

    static Serialized serialize(Iterable<AtomicWrite> messages, Serialization serialization) {
        List<LogEntry.Events> writes = new ArrayList<>();
        List<Optional<Exception>> results = new ArrayList<>();
        for (AtomicWrite write : messages) {
            try {
                List<PersistentRepr> events = CollectionConverters.asJava(write.payload());
                long[] seqNrs = new long[events.size()];
                byte[][] payloads = new byte[events.size()][];
                for (int i = 0; i < events.size(); i++) {
                    seqNrs[i] = events.get(i).sequenceNr();
                    payloads[i] = serialization.serialize(events.get(i)).get();
                }
                writes.add(new LogEntry.Events(write.persistenceId(), seqNrs, payloads));
                results.add(Optional.empty());
            } catch (Exception e) {
                // A payload that cannot be serialized rejects its own write only.
                results.add(Optional.of(e));
            }
        }
        return new Serialized(writes, results);
    }
}
