package borealis.engine.pg.wire;

/**
 * The bodies of a session's typed messages (after authentication), field by field; the comment
 * above each case is its layout after {@code byte type | int32 length}.
 */
final class TypedMessages {

    private TypedMessages() {}

    static FrontendMessage decode(char type, MessageReader r) {
        switch (type) {
            case 'Q':
                // str query
                return new FrontendMessage.Query(r.cstring());
            case 'P': {
                // str name | str query | int16 n | int32 type oid × n
                String name = r.cstring();
                String sql = r.cstring();
                int[] types = new int[r.count(4, "parameter types")];
                for (int i = 0; i < types.length; i++) {
                    types[i] = r.int32();
                }
                return new FrontendMessage.Parse(name, sql, types);
            }
            case 'B':
                return bind(r);
            case 'D':
                // byte 'S'|'P' | str name
                return new FrontendMessage.Describe(kind(r), r.cstring());
            case 'E':
                // str portal | int32 max rows
                return new FrontendMessage.Execute(r.cstring(), r.int32());
            case 'C':
                // byte 'S'|'P' | str name
                return new FrontendMessage.Close(kind(r), r.cstring());
            case 'S':
                return new FrontendMessage.Sync();
            case 'H':
                return new FrontendMessage.Flush();
            case 'X':
                return new FrontendMessage.Terminate();
            case 'd':
                // byte[] data: bounded by the message limit like every message
                return new FrontendMessage.CopyData(r.rest());
            case 'c':
                return new FrontendMessage.CopyDone();
            case 'f':
                // str error message
                return new FrontendMessage.CopyFail(r.cstring());
            case 'F': {
                // int32 function oid | ... (answered with an error; the rest is not read)
                FrontendMessage.FunctionCall call = new FrontendMessage.FunctionCall(r.int32());
                r.rest();
                return call;
            }
            default:
                throw new ProtocolException("invalid frontend message type " + (int) type);
        }
    }

    /**
     * str portal | str statement | int16 nf | int16 format × nf | int16 nv | (int32 len | byte[len]) × nv
     * | int16 nr | int16 result format × nr. Each count is checked against the bytes left (a value
     * takes at least its 4-byte length), each length against the bytes left, before allocating.
     */
    private static FrontendMessage bind(MessageReader r) {
        String portal = r.cstring();
        String statement = r.cstring();
        short[] formats = new short[r.count(2, "parameter format codes")];
        for (int i = 0; i < formats.length; i++) {
            formats[i] = r.int16();
        }
        byte[][] values = new byte[r.count(4, "parameter values")][];
        for (int i = 0; i < values.length; i++) {
            values[i] = r.lengthPrefixed("parameter " + (i + 1), true);
        }
        short[] resultFormats = new short[r.count(2, "result format codes")];
        for (int i = 0; i < resultFormats.length; i++) {
            resultFormats[i] = r.int16();
        }
        return new FrontendMessage.Bind(portal, statement, formats, values, resultFormats);
    }

    private static char kind(MessageReader r) {
        char k = (char) r.int8();
        if (k != 'S' && k != 'P') {
            throw new ProtocolException("invalid describe/close kind '" + k + "' (expected: 'S' or 'P')");
        }
        return k;
    }
}
