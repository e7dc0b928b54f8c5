package borealis.persistence.serialization;

import com.esotericsoftware.kryo.Serializer;

/**
 * One per module, found through {@link java.util.ServiceLoader}. Each registrar owns a range of
 * Kryo class ids; ids are persisted with every event, so a list may only ever be appended to.
 */
public interface KryoRegistrar {

    /** Registers this module's classes, each with an id unique across all registrars. */
    void register(Registration registration);

    /** What a registrar can do: bind a class to a stable id, optionally with its own serializer. */
    interface Registration {
        void add(int id, Class<?> type);

        <T> void add(int id, Class<T> type, Serializer<T> serializer);
    }
}
