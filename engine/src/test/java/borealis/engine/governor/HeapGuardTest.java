package borealis.engine.governor;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HeapGuardTest {

    /** What a cancellation logs: the live heap's largest classes, so an operator sees what held it. */
    @Test
    void theLargestClassesOfTheLiveHeapAreNamed() {
        long[] held = new long[8 << 20]; // 64 MB of long[]: the largest class by far
        String top = HeapGuard.largestClasses(3);
        assertTrue(top.contains("#bytes"), top);
        String[] lines = top.split("\n");
        assertTrue(lines.length <= 5, "a header and the first three classes: " + top);
        assertTrue(top.contains("[J"), "the 64 MB long[] is among the first three: " + top);
        assertTrue(held.length > 0);
    }
}
