package borealis.engine.h2;

import borealis.engine.pg.catalog.PgCatalog;
import borealis.engine.pg.sql.SqlQuoting;
import java.lang.reflect.Field;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.h2.engine.SysProperties;
import org.h2.store.fs.FilePath;
import org.h2.util.JdbcUtils;
import org.h2.util.SourceCompiler;

/**
 * What no H2 user in this JVM can do, admin or not: the engine's own defence behind the tenant's
 * missing admin rights (docs/control-plane.md, "Threat model"), and the JVM-wide H2 settings that
 * keep one tenant's statements out of the memory every tenant shares. Installed once, before H2
 * opens a database; {@link #secure} then closes each opened database.
 *
 * <ul>
 *   <li><b>Java classes.</b> H2 loads a class named in SQL (CREATE ALIAS ... FOR, triggers,
 *       aggregates, table engines, linked tables' JDBC drivers, serializer and listener settings)
 *       only if {@code h2.allowedClasses} lists it: here, only the classes of our own functions.</li>
 *   <li><b>Java source.</b> Aliases and triggers given as source are compiled by each database's
 *       {@link SourceCompiler}; {@link #secure} replaces it with one that compiles nothing (the
 *       stock one runs javac, in-process or as a process).</li>
 *   <li><b>Serialized objects.</b> JAVA_OBJECT values are never deserialized ({@link RefusedJavaObjects}).</li>
 *   <li><b>Files and URLs.</b> H2 reaches files through {@link FilePath}: plain paths and the
 *       {@code file:}/{@code nio:} schemes reach only the scratch directory ({@link ScratchFiles});
 *       every other scheme H2 or the JDK knows, URLs included, is refused ({@link RefusedFilePath});
 *       {@code borealis:} serves a database its own volume.</li>
 *   <li><b>Functions that take a path or URL</b> ({@code FILE_READ}, {@code FILE_WRITE} — which
 *       writes through java.nio, not FilePath —, {@code CSVREAD}, {@code CSVWRITE},
 *       {@code LINK_SCHEMA}) are overridden by refusing aliases ({@link RefusedFunctions}) in the
 *       schemas where admin contexts resolve names.</li>
 * </ul>
 */
public final class EngineSandbox {

    /** Schemes H2 registers or FilePathDisk would open as URLs; all refused. In-memory schemes stay (no host access). */
    private static final List<String> REFUSED_SCHEMES = List.of("zip", "split", "nioMapped", "async", "retry", "rec", "encrypt",
            "classpath", "jar", "jrt", "jmod", "http", "https", "ftp", "mailto", "netdoc");

    private static volatile boolean installed;

    private EngineSandbox() {}

    /** Sets the sandbox up; idempotent; must run before anything else in the JVM loads H2's settings. */
    public static synchronized void install() {
        if (installed) {
            return;
        }
        String allowed = allowedClasses();
        System.setProperty("h2.allowedClasses", allowed);
        // H2 keeps every string it reads in a JVM-wide soft cache of 1,024 entries, whatever their
        // length: measured, 60 distinct 4 MiB statements left 244 MB there after a full collection,
        // shared by every tenant and freed only when the heap is about to run out.
        System.setProperty("h2.objectCache", "false");
        if (!allowed.equals(SysProperties.ALLOWED_CLASSES) || SysProperties.OBJECT_CACHE) {
            // H2 read its settings before us: some code in this JVM opened H2 first.
            throw new IllegalStateException("H2 was initialised before the engine sandbox; h2.allowedClasses is \""
                    + SysProperties.ALLOWED_CLASSES + "\", expected \"" + allowed + "\"");
        }
        JdbcUtils.serializer = new RefusedJavaObjects();
        for (String scheme : REFUSED_SCHEMES) {
            FilePath.register(new RefusedFilePath(scheme));
        }
        ScratchFiles.installAsDefault();
        installed = true;
    }

    /** The classes whose public static methods SQL may call: our functions, exactly. */
    static String allowedClasses() {
        return Stream.concat(PgCatalog.functionClasses().stream(), Stream.of(RefusedFunctions.class))
                .map(Class::getName)
                .collect(Collectors.joining(","));
    }

    /**
     * Shadows H2's file and URL functions in {@code schema} (see {@link RefusedFunctions}); the
     * catalog schema gets them with the catalog's functions.
     */
    static void shadowFileFunctions(java.sql.Connection admin, String schema) throws java.sql.SQLException {
        try (java.sql.Statement s = admin.createStatement()) {
            for (String name : RefusedFunctions.NAMES) {
                s.execute("CREATE ALIAS IF NOT EXISTS " + SqlQuoting.qualified(schema, name) + " FOR "
                        + SqlQuoting.identifier(RefusedFunctions.class.getName() + "." + name));
            }
        }
    }

    /** Closes what is per database: its source compiler. Call right after the database opened, before any tenant session. */
    static void secure(org.h2.engine.Database database) {
        try {
            Field compiler = org.h2.engine.Database.class.getDeclaredField("compiler");
            compiler.setAccessible(true);
            compiler.set(database, new RefusingCompiler());
        } catch (ReflectiveOperationException | RuntimeException e) {
            // Fail closed: a database whose compiler cannot be replaced is not opened.
            throw new IllegalStateException("cannot disable H2's source compiler (H2 version changed?)", e);
        }
    }

    /** Refuses to compile or load anything: aliases and triggers given as source code. */
    static final class RefusingCompiler extends SourceCompiler {

        static final String MESSAGE = "functions and triggers written in Java are not supported";

        @Override
        public void setSource(String className, String source) {
            // Nothing is kept; getClass and getMethod refuse.
        }

        @Override
        public Class<?> getClass(String packageAndClassName) {
            throw refused(packageAndClassName);
        }

        @Override
        public java.lang.reflect.Method getMethod(String className) {
            throw refused(className);
        }

        @Override
        public javax.script.CompiledScript getCompiledScript(String packageAndClassName) {
            throw refused(packageAndClassName);
        }

        private static RuntimeException refused(String name) {
            return org.h2.message.DbException.get(org.h2.api.ErrorCode.ACCESS_DENIED_TO_CLASS_1, name + ": " + MESSAGE);
        }
    }
}
