package borealis.persistence.tck;

import java.util.ArrayList;
import java.util.List;
import org.scalatest.Args;
import org.scalatest.Reporter;
import org.scalatest.Suite;
import org.scalatest.events.TestFailed;
import org.scalatest.events.TestSucceeded;
import scala.Option;

/**
 * Runs one of Pekko's persistence TCK suites (ScalaTest) from JUnit and collects its outcome, so
 * that a failing TCK case fails the JUnit test with its name.
 */
public record TckRun(List<String> passed, List<String> failed) {

    /**
     * Pekko's journal TCK against the journal plugin {@code config} names, with the capabilities
     * every Borealis journal has: events serialized whole, so a payload that cannot be serialized
     * is refused.
     */
    public static TckRun journal(com.typesafe.config.Config config) {
        return of(new org.apache.pekko.persistence.japi.journal.JavaJournalSpec(config) {
            @Override
            public org.apache.pekko.persistence.CapabilityFlag supportsRejectingNonSerializableObjects() {
                return org.apache.pekko.persistence.CapabilityFlag.on();
            }

            @Override
            public org.apache.pekko.persistence.CapabilityFlag supportsSerialization() {
                return org.apache.pekko.persistence.CapabilityFlag.on();
            }
        });
    }

    public static TckRun of(Suite tck) {
        List<String> failed = new ArrayList<>();
        List<String> passed = new ArrayList<>();
        Reporter reporter = event -> {
            if (event instanceof TestFailed f) {
                failed.add(f.testName() + ": " + f.message());
            } else if (event instanceof TestSucceeded s) {
                passed.add(s.testName());
            }
        };
        Args args = new Args(reporter, Args.$lessinit$greater$default$2(), Args.$lessinit$greater$default$3(),
                Args.$lessinit$greater$default$4(), Args.$lessinit$greater$default$5(), Args.$lessinit$greater$default$6(),
                Args.$lessinit$greater$default$7(), Args.$lessinit$greater$default$8(), Args.$lessinit$greater$default$9(),
                Args.$lessinit$greater$default$10());
        tck.run(Option.empty(), args);
        return new TckRun(List.copyOf(passed), List.copyOf(failed));
    }
}
