package borealis.persistence.volume.client;

import java.io.IOException;

/** Not enough replicas answered in time: a write quorum (4 of 6) or any readable replica is missing. */
public final class VolumeUnavailableException extends IOException {
    public VolumeUnavailableException(String message) {
        super(message);
    }
}
