package borealis.engine.pgwire;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** Lengths inside a message are checked against what the message holds before anything is allocated. */
class FrontendDecoderLimitsTest {

    private static FrontendDecoder afterStartup() {
        FrontendDecoder d = new FrontendDecoder(1 << 20);
        ByteBuffer startup = ByteBuffer.allocate(8 + 10).putInt(18).putInt(FrontendDecoder.PROTOCOL_3_0).put("user\0app\0\0".getBytes());
        d.decode(startup.flip());
        return d;
    }

    @Test
    void aBindParameterLongerThanItsMessageIsRefusedWithoutAllocatingIt() {
        // B | len | portal "" | statement "" | 0 formats | 1 value | value length 2^31-1 | (no bytes)
        ByteBuffer bind = ByteBuffer.allocate(1 + 4 + 1 + 1 + 2 + 2 + 4);
        bind.put((byte) 'B').putInt(4 + 1 + 1 + 2 + 2 + 4).put((byte) 0).put((byte) 0).putShort((short) 0).putShort((short) 1)
                .putInt(Integer.MAX_VALUE);
        ProtocolException e = assertThrows(ProtocolException.class, () -> afterStartup().decode(bind.flip()));
        assertTrue(e.getMessage().contains("has length 2147483647"), e.getMessage());
    }

    @Test
    void aMessageLongerThanTheLimitIsRefusedFromItsHeader() {
        ByteBuffer query = ByteBuffer.allocate(9).put((byte) 'Q').putInt(2 << 20).put("sel".getBytes());
        ProtocolException e = assertThrows(ProtocolException.class, () -> afterStartup().decode(query.flip()));
        assertTrue(e.getMessage().contains("exceeds the limit of 1048576 bytes"), e.getMessage());
    }
}
