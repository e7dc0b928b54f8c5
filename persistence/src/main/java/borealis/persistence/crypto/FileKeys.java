package borealis.persistence.crypto;

/**
 * What a block file needs to encrypt: the ring its existing files' keys are found in (null: none
 * on this node), and the key new files are written under (null: new files are plaintext).
 */
public record FileKeys(KeyRing ring, String newFileKey) {

    public static final FileKeys NONE = new FileKeys(null, null);
}
