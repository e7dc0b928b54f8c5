package borealis.persistence.crypto;

import java.io.IOException;
import javax.crypto.spec.SecretKeySpec;

/** Where encrypted data finds its key: by the id it carries, or (for new data) by what it belongs to. */
public interface KeyRing {

    /** A data key: {@code id} is what encrypted data records, {@code name} what it protects ("volume:…", "node"). */
    record DataKey(long id, String name, SecretKeySpec spec) {
        @Override
        public String toString() {
            return "DataKey[" + Long.toHexString(id) + " " + name + "]";
        }
    }

    /** The key data names by id; a key not held is an error that names it. */
    DataKey byId(long id) throws IOException;

    /** The key new data of {@code name} is written under, made (and on disk) when missing. */
    DataKey forName(String name) throws IOException;
}
