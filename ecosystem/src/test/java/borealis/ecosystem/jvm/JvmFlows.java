package borealis.ecosystem.jvm;

import borealis.ecosystem.JvmFlow;
import java.util.ArrayList;
import java.util.List;

/** Every JVM flow of the suite, in the order they run. */
public final class JvmFlows {

    private JvmFlows() {}

    public static List<JvmFlow> all() {
        List<JvmFlow> flows = new ArrayList<>();
        flows.addAll(PgjdbcVersions.flows());
        return flows;
    }
}
