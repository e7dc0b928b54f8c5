package borealis.persistence.serialization;

/**
 * Marker for every type that crosses a node boundary or is persisted: messages between actors,
 * persisted events and snapshots. It is bound to {@link KryoSerializer} in reference.conf, and
 * Kryo requires each such class to be registered by a {@link KryoRegistrar}, so an unregistered
 * type fails loudly (tests run with message serialization forced on).
 */
public interface BorealisSerializable {}
