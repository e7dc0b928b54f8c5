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
        flows.addAll(borealis.ecosystem.jvm.flyway.FlywayFlows.flows());
        flows.addAll(borealis.ecosystem.jvm.liquibase.LiquibaseFlows.flows());
        flows.addAll(borealis.ecosystem.jvm.spring.SpringJpaFlows.flows());
        flows.addAll(borealis.ecosystem.jvm.jooq.JooqFlows.flows());
        return flows;
    }
}
