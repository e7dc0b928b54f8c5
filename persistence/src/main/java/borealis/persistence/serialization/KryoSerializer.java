package borealis.persistence.serialization;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.serializers.ImmutableCollectionsSerializers;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.util.Pool;
import java.util.HashMap;
import java.util.Map;
import java.util.ServiceLoader;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.JSerializer;

/**
 * Pekko serializer over Kryo 5 for everything that implements {@link BorealisSerializable}.
 *
 * <p>Class registration is required: the class id written before each object comes from the
 * {@link KryoRegistrar}s on the class path, so the bytes carry no class names and an unknown
 * type is an error rather than a silent Java-serialization fallback. Typed ActorRefs travel as
 * their serialization path through {@link ActorRefResolver}. Kryo instances are not thread-safe,
 * so they come from a pool.
 */
public final class KryoSerializer extends JSerializer {

    /** Pekko serializer id; must be unique among the serializers of the actor system. */
    public static final int IDENTIFIER = 7301;

    /** Id of the typed-ActorRef registration, reserved here because it needs the actor system. */
    static final int ACTOR_REF_ID = 99;

    private static final int POOL_SIZE = 64;
    private static final int INITIAL_BUFFER = 16 * 1024;
    /** A pooled output buffer grown past this (by a rare large message) is dropped, not kept. */
    private static final int MAX_POOLED_BUFFER = 1 << 20;

    private final ExtendedActorSystem system;
    private final Map<Integer, String> usedIds = new HashMap<>();
    private volatile ActorRefResolver resolver;

    private final Pool<Kryo> pool = new Pool<>(true, false, POOL_SIZE) {
        @Override
        protected Kryo create() {
            return newKryo();
        }
    };

    /**
     * Output buffers are reused: a record batch of 9-36 KiB grew a fresh 4 KiB buffer two or three
     * times, and those copies were a quarter of the write path's allocation.
     */
    private final Pool<Output> outputs = new Pool<>(true, false, POOL_SIZE) {
        @Override
        protected Output create() {
            return new Output(INITIAL_BUFFER, -1);
        }
    };

    public KryoSerializer(ExtendedActorSystem system) {
        this.system = system;
    }

    @Override
    public int identifier() {
        return IDENTIFIER;
    }

    @Override
    public boolean includeManifest() {
        return false;
    }

    @Override
    public byte[] toBinary(Object o) {
        Kryo kryo = pool.obtain();
        Output out = outputs.obtain();
        try {
            out.reset();
            kryo.writeClassAndObject(out, o);
            return out.toBytes();
        } finally {
            pool.free(kryo);
            if (out.getBuffer().length <= MAX_POOLED_BUFFER) {
                outputs.free(out);
            }
        }
    }

    @Override
    public Object fromBinaryJava(byte[] bytes, Class<?> manifest) {
        Kryo kryo = pool.obtain();
        try (Input in = new Input(bytes)) {
            return kryo.readClassAndObject(in);
        } finally {
            pool.free(kryo);
        }
    }

    private Kryo newKryo() {
        Kryo kryo = new Kryo();
        kryo.setRegistrationRequired(true);
        kryo.setReferences(false);
        ImmutableCollectionsSerializers.addDefaultSerializers(kryo);
        synchronized (usedIds) {
            usedIds.clear();
            KryoRegistrar.Registration registration = new KryoRegistrar.Registration() {
                @Override
                public void add(int id, Class<?> type) {
                    claim(id, type);
                    kryo.register(type, id);
                }

                @Override
                public <T> void add(int id, Class<T> type, Serializer<T> serializer) {
                    claim(id, type);
                    kryo.register(type, serializer, id);
                }
            };
            registerActorRef(kryo, registration);
            for (KryoRegistrar registrar : ServiceLoader.load(KryoRegistrar.class, KryoSerializer.class.getClassLoader())) {
                registrar.register(registration);
            }
        }
        return kryo;
    }

    private void claim(int id, Class<?> type) {
        String previous = usedIds.putIfAbsent(id, type.getName());
        if (previous != null && !previous.equals(type.getName())) {
            throw new IllegalStateException("Kryo id " + id + " registered twice: " + previous + " and " + type.getName());
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private void registerActorRef(Kryo kryo, KryoRegistrar.Registration registration) {
        // The concrete typed ActorRef class is internal to Pekko; take it from a live reference.
        Class refClass = Adapter.toTyped(system.deadLetters()).getClass();
        registration.add(ACTOR_REF_ID, refClass, new Serializer<ActorRef<?>>() {
            @Override
            public void write(Kryo k, Output output, ActorRef<?> ref) {
                output.writeString(resolver().toSerializationFormat(ref));
            }

            @Override
            public ActorRef<?> read(Kryo k, Input input, Class<? extends ActorRef<?>> type) {
                return resolver().resolveActorRef(input.readString());
            }
        });
    }

    private ActorRefResolver resolver() {
        ActorRefResolver r = resolver;
        if (r == null) {
            r = ActorRefResolver.get(Adapter.toTyped(system));
            resolver = r;
        }
        return r;
    }
}
