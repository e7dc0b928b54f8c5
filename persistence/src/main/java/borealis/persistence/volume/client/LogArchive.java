package borealis.persistence.volume.client;

import borealis.persistence.volume.log.LogRecord;
import java.util.List;

/**
 * Where the writer hands its log once it is durable, for continuous backup (a port: the backup
 * layer implements it). Only durable records reach it, so an archive never holds a record that a
 * later recovery cuts off.
 */
public interface LogArchive {

    /**
     * A record that reached the write quorum.
     *
     * @param boundary        the last record of one engine write (or truncate): an image of the volume
     *                        cut just after it is one the engine can open, a cut inside a write is not
     * @param durableAtMillis wall-clock time at which the quorum was seen (the commit's acknowledgement)
     */
    record DurableRecord(LogRecord record, boolean boundary, long durableAtMillis) {}

    /** Records now durable, in LSN order. Called under the volume's lock: must not block. */
    void durable(List<DurableRecord> records);

    /** The volume closed: nothing more comes; archive what is held. */
    default void volumeClosed() { }

    LogArchive NONE = records -> { };
}
