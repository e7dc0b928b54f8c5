package borealis.engine.h2;

import org.h2.api.JavaObjectSerializer;

/**
 * H2's serializer for {@code JAVA_OBJECT} values, installed JVM-wide so that no tenant value is
 * ever deserialized. By default H2 runs {@code ObjectInputStream.readObject} on the bytes of a
 * {@code JAVA_OBJECT} when a result is read with {@code getObject}, and any tenant can write
 * {@code CAST(X'aced...' AS JAVA_OBJECT)}: a deserialization gadget on the server's class path.
 * Here a {@code JAVA_OBJECT} reads back as its bytes, opaque, like a {@code bytea}; turning Java
 * objects into such values is refused.
 */
final class RefusedJavaObjects implements JavaObjectSerializer {

    static final String MESSAGE = "JAVA_OBJECT values are not supported";

    @Override
    public byte[] serialize(Object obj) {
        throw new UnsupportedOperationException(MESSAGE);
    }

    @Override
    public Object deserialize(byte[] bytes) {
        return bytes.clone();
    }
}
