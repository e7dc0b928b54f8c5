package borealis.actors.control;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.util.concurrent.atomic.AtomicInteger;

/** A class whose deserialization leaves a trace: if a tenant's bytes are ever deserialized on the node, {@link #READS} counts it. */
public final class Canary implements Serializable {
    private static final long serialVersionUID = 1L;
    public static final AtomicInteger READS = new AtomicInteger();

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        READS.incrementAndGet();
    }
}
