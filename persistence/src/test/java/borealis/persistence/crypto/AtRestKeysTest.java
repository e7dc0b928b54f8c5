package borealis.persistence.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import borealis.persistence.files.OwnerOnly;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node's at-rest data keys: a wrong master key refused by name, rotation that re-wraps keys only, sealing bound to its place. */
class AtRestKeysTest {

    @TempDir
    Path dir;

    private Path masterFile(String name) throws IOException {
        Path f = dir.resolve(name);
        OwnerOnly.writeNew(f, Base64.getEncoder().encodeToString(MasterKeys.newDataKey()).getBytes(StandardCharsets.US_ASCII));
        return f;
    }

    private Map<String, byte[]> files(Path d) throws IOException {
        Map<String, byte[]> out = new TreeMap<>();
        try (Stream<Path> s = Files.list(d)) {
            for (Path p : s.toList()) {
                out.put(p.getFileName().toString(), Files.readAllBytes(p));
            }
        }
        return out;
    }

    @Test
    void aWrongMasterKeyIsRefusedByNameAndNothingChanges() throws Exception {
        Path keys = dir.resolve("keys");
        MasterKeys a = MasterKeys.load(masterFile("a.key"), List.of());
        AtRestKeys ring = AtRestKeys.open(keys, a);
        byte[] sealed = Sealed.seal(ring.forName("volume:acme/orders/v1"), "secret row".getBytes(StandardCharsets.UTF_8), "aad".getBytes());
        Map<String, byte[]> before = files(keys);

        MasterKeys b = MasterKeys.load(masterFile("b.key"), List.of());
        MasterKeys.WrongKeyException e = assertThrows(MasterKeys.WrongKeyException.class, () -> AtRestKeys.open(keys, b));
        assertTrue(e.getMessage().contains("volume:acme/orders/v1") && e.getMessage().contains(a.currentFingerprint())
                && e.getMessage().contains(b.currentFingerprint()), e.getMessage());
        Map<String, byte[]> after = files(keys);
        assertEquals(before.keySet(), after.keySet());
        before.forEach((k, v) -> assertArrayEquals(v, after.get(k), k + " unchanged"));
        // With the right key again, everything opens.
        assertEquals("secret row", new String(Sealed.open(AtRestKeys.open(keys, a), sealed, "aad".getBytes(), "test"), StandardCharsets.UTF_8));
    }

    @Test
    void rotationRewrapsTheKeyFilesAndNothingElse() throws Exception {
        Path keys = dir.resolve("keys");
        Path oldFile = masterFile("old.key");
        AtRestKeys ring = AtRestKeys.open(keys, MasterKeys.load(oldFile, List.of()));
        byte[] sealed = Sealed.seal(ring.forName("node"), "control event".getBytes(StandardCharsets.UTF_8), "aad".getBytes());
        ring.forName("volume:v1");
        Map<String, byte[]> before = files(keys);

        Path newFile = masterFile("new.key");
        AtRestKeys rotated = AtRestKeys.open(keys, MasterKeys.load(newFile, List.of(oldFile)));
        assertEquals(2, rotated.rewrapped());
        Map<String, byte[]> after = files(keys);
        assertEquals(before.keySet(), after.keySet(), "the same key files, re-wrapped in place");
        before.forEach((k, v) -> assertNotEquals(new String(v, StandardCharsets.ISO_8859_1), new String(after.get(k), StandardCharsets.ISO_8859_1)));
        // The old master key can go: the new one alone opens the ring and the data sealed before.
        AtRestKeys onlyNew = AtRestKeys.open(keys, MasterKeys.load(newFile, List.of()));
        assertEquals(0, onlyNew.rewrapped());
        assertEquals("control event", new String(Sealed.open(onlyNew, sealed, "aad".getBytes(), "test"), StandardCharsets.UTF_8));
    }

    @Test
    void aSealedPayloadOpensOnlyWhereItWasSealedFor() throws Exception {
        AtRestKeys ring = AtRestKeys.open(dir.resolve("keys"), MasterKeys.of(MasterKeys.newDataKey()));
        byte[] sealed = Sealed.seal(ring.forName("node"), "payload".getBytes(), "event:1:DbCluster|a".getBytes());
        assertThrows(IOException.class, () -> Sealed.open(ring, sealed, "event:2:DbCluster|a".getBytes(), "moved"));
        sealed[sealed.length - 20] ^= 1;
        assertThrows(IOException.class, () -> Sealed.open(ring, sealed, "event:1:DbCluster|a".getBytes(), "altered"));
    }
}
