package borealis.persistence.volume.client;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/** One daemon thread for the periodic work of every volume client in the JVM (retries, durable notices). */
final class VolumeTimers {
    static final ScheduledExecutorService SCHEDULER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "borealis-volume-timer");
        t.setDaemon(true);
        return t;
    });

    private VolumeTimers() {}
}
