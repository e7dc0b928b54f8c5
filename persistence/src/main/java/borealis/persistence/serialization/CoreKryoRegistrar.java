package borealis.persistence.serialization;

import com.esotericsoftware.kryo.serializers.DefaultSerializers;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Kryo ids 100-149: JDK types that appear inside messages (the replicated volume's types, 150-299,
 * are {@code VolumeKryoRegistrar}'s). Append only: ids are persisted.
 */
public final class CoreKryoRegistrar implements KryoRegistrar {

    @Override
    public void register(Registration r) {
        r.add(100, byte[].class);
        r.add(101, long[].class);
        r.add(102, int[].class);
        r.add(103, String[].class);
        r.add(104, ArrayList.class);
        r.add(105, HashMap.class);
        r.add(106, LinkedHashMap.class);
        r.add(107, TreeMap.class);
        r.add(108, HashSet.class);
        r.add(109, Optional.class);
        r.add(110, Instant.class);
        r.add(111, Duration.class);
        r.add(112, UUID.class, new DefaultSerializers.UUIDSerializer());
        r.add(113, BigDecimal.class);
        r.add(114, BigInteger.class);
        r.add(115, byte[][].class);
        r.add(116, short[].class);
        r.add(117, Object[].class);
        // The JDK's immutable collections (List.of, Map.of, Set.of, toList()) have no public
        // constructors; KryoSerializer installs Kryo's default serializers for them.
        r.add(120, List.of().getClass());
        r.add(121, List.of(1).getClass());
        r.add(122, List.of(1, 2, 3).getClass());
        r.add(123, Set.of().getClass());
        r.add(124, Set.of(1).getClass());
        r.add(125, Set.of(1, 2, 3).getClass());
        r.add(126, Map.of().getClass());
        r.add(127, Map.of(1, 1).getClass());
        r.add(128, Map.of(1, 1, 2, 2).getClass());
        r.add(129, Collections.emptyList().getClass());
        r.add(130, Collections.unmodifiableList(new ArrayList<>()).getClass());
    }
}
