package borealis.actors.compute;

import java.util.Locale;

/**
 * When each phase of a writer's resume ended (epoch taken, admitted, volume open, H2 open), for
 * the resume's log line, metric and scaling event. Used on the instance's actor, except
 * {@link #volumeOpened}, which runs on the SQL pool.
 */
final class ResumePhases {

    private long startedNanos;
    private long epochNanos;
    private long admittedNanos;
    private volatile long volumeOpenNanos;
    private long doneNanos;

    void started() {
        startedNanos = System.nanoTime();
    }

    void epochTaken() {
        epochNanos = System.nanoTime();
    }

    void admitted() {
        admittedNanos = System.nanoTime();
    }

    /** On the SQL pool, between opening the volume and opening H2 on it. */
    void volumeOpened() {
        volumeOpenNanos = System.nanoTime();
    }

    /** H2 is open: the resume is done. Returns how long it took, in milliseconds. */
    double done() {
        doneNanos = System.nanoTime();
        return millis();
    }

    /** The scaling event's detail: the whole resume and each phase, after {@link #done}. */
    String detail(long epoch) {
        return String.format(Locale.ROOT,
                "resumed in %.1f ms (epoch %d: %.1f ms, admission %.1f ms, volume recovery %.1f ms, H2 open %.1f ms)", millis(), epoch,
                (epochNanos - startedNanos) / 1e6, (admittedNanos - epochNanos) / 1e6, (volumeOpenNanos - admittedNanos) / 1e6,
                (doneNanos - volumeOpenNanos) / 1e6);
    }

    private double millis() {
        return (doneNanos - startedNanos) / 1e6;
    }
}
