package borealis;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layout, checked over the compiled main classes of every module (docs/architecture.md has the
 * picture): no package cycle, and no import that climbs a layer. Callbacks go up through ports
 * owned by the lower layer (SegmentTransport, CommitLog, StatementObserver, SessionGuard,
 * SchemaAdmin, the capacity supervisor's Decision).
 */
class ArchitectureTest {

    private static JavaClasses classes;

    @BeforeAll
    static void load() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("borealis");
    }

    @Test
    void noPackageDependsOnItselfThroughAnother() {
        slices().matching("borealis.(**)").should().beFreeOfCycles().check(classes);
    }

    @Test
    void modulesAreLayersPersistenceEngineActorsWithScalingBeside() {
        layeredArchitecture().consideringOnlyDependenciesInAnyPackage("borealis..")
                .layer("persistence").definedBy("borealis.persistence..")
                .layer("scaling").definedBy("borealis.scaling..")
                .layer("engine").definedBy("borealis.engine..")
                .layer("actors").definedBy("borealis.actors..")
                .whereLayer("actors").mayNotBeAccessedByAnyLayer()
                .whereLayer("engine").mayOnlyBeAccessedByLayers("actors")
                .whereLayer("scaling").mayOnlyBeAccessedByLayers("actors")
                .whereLayer("persistence").mayOnlyBeAccessedByLayers("engine", "actors")
                .check(classes);
    }

    @Test
    void theEngineIsLayeredFromErrorsUpToH2Hosting() {
        layeredArchitecture().consideringOnlyDependenciesInAnyPackage("borealis.engine..")
                .layer("errors and settings").definedBy("borealis.engine.pg")
                .layer("wire").definedBy("borealis.engine.pg.wire..")
                .layer("types").definedBy("borealis.engine.pg.types..")
                .layer("sql").definedBy("borealis.engine.pg.sql..")
                .layer("catalog").definedBy("borealis.engine.pg.catalog..")
                .layer("plpgsql").definedBy("borealis.engine.pg.plpgsql..")
                .layer("session").definedBy("borealis.engine.pg.session..")
                .layer("governor").definedBy("borealis.engine.governor..")
                .layer("insights").definedBy("borealis.engine.insights..")
                .layer("h2").definedBy("borealis.engine.h2..")
                .layer("serialization").definedBy("borealis.engine.serialization..")
                .whereLayer("serialization").mayNotBeAccessedByAnyLayer()
                .whereLayer("h2").mayOnlyBeAccessedByLayers("serialization")
                .whereLayer("insights").mayOnlyBeAccessedByLayers("h2", "serialization")
                .whereLayer("session").mayOnlyBeAccessedByLayers("insights", "h2", "serialization")
                .whereLayer("catalog").mayOnlyBeAccessedByLayers("session", "h2")
                .whereLayer("plpgsql").mayOnlyBeAccessedByLayers("session")
                .whereLayer("sql").mayOnlyBeAccessedByLayers("catalog", "plpgsql", "session", "insights", "h2")
                .whereLayer("types").mayOnlyBeAccessedByLayers("sql", "catalog", "session", "h2")
                .whereLayer("wire").mayOnlyBeAccessedByLayers("types", "session", "h2")
                .whereLayer("governor").mayOnlyBeAccessedByLayers("session", "h2")
                .check(classes);
    }

    @Test
    void theActorsBottomAndMiddleDoNotReachUp() {
        noClasses().that().resideInAPackage("borealis.actors.cluster..").should().dependOnClassesThat()
                .resideInAnyPackage("borealis.actors.control..", "borealis.actors.compute..", "borealis.actors.proxy..",
                        "borealis.actors.capacity..", "borealis.actors.storage..", "borealis.actors.admin..", "borealis.actors.node..",
                        "borealis.actors.cli..")
                .check(classes);
        noClasses().that().resideInAPackage("borealis.actors.capacity..").should().dependOnClassesThat()
                .resideInAnyPackage("borealis.actors.compute..", "borealis.actors.control..", "borealis.actors.proxy..",
                        "borealis.actors.admin..", "borealis.actors.node..")
                .check(classes);
        noClasses().that().resideInAnyPackage("borealis.actors.compute..", "borealis.actors.storage..").should().dependOnClassesThat()
                .resideInAnyPackage("borealis.actors.control..", "borealis.actors.proxy..", "borealis.actors.admin..",
                        "borealis.actors.node..")
                .check(classes);
        noClasses().that().resideInAPackage("borealis.actors.proxy..").should().dependOnClassesThat()
                .resideInAnyPackage("borealis.actors.control..", "borealis.actors.admin..", "borealis.actors.node..")
                .check(classes);
    }

    @Test
    void theVolumeKnowsNothingOfPekkoAndTheSegmentNothingOfTheClient() {
        noClasses().that().resideInAPackage("borealis.persistence.volume..").should().dependOnClassesThat()
                .resideInAnyPackage("org.apache.pekko..")
                .check(classes);
        noClasses().that().resideInAnyPackage("borealis.persistence.volume.log..", "borealis.persistence.volume.segment..")
                .should().dependOnClassesThat().resideInAPackage("borealis.persistence.volume.client..")
                .check(classes);
    }
}
