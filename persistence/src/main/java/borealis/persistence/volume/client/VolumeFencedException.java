package borealis.persistence.volume.client;

import java.io.IOException;

/** This writer's epoch is over: a newer writer has opened the volume, so nothing more may be written. */
public final class VolumeFencedException extends IOException {
    public VolumeFencedException(String message) {
        super(message);
    }
}
