package borealis.ecosystem.jvm;

import borealis.ecosystem.Db;
import borealis.ecosystem.JvmFlow;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * pgjdbc's flows for each tested pgjdbc version. Each version's jar is loaded, with the flow class
 * {@code borealis.ecosystem.jvm.pgjdbc.PgjdbcFlows}, in a child-first class loader of its own, so the same
 * flow code runs against 42.7.8 (the project's pin) and the newest 42.7.x in one JVM, one report, one node.
 * (A second surefire execution would need a second node and PostgreSQL and a second report.)
 */
final class PgjdbcVersions {

    private static final String FLOWS = "borealis.ecosystem.jvm.pgjdbc.PgjdbcFlows";

    private PgjdbcVersions() {}

    static List<JvmFlow> flows() {
        String dir = System.getProperty("ecosystem.pgjdbc.dir");
        String versions = System.getProperty("ecosystem.pgjdbc.versions");
        if (dir == null || versions == null) {
            throw new IllegalStateException("ecosystem.pgjdbc.dir and ecosystem.pgjdbc.versions are set by the module's pom");
        }
        String[] vs = versions.split(",");
        List<JvmFlow> out = new ArrayList<>();
        for (int i = 0; i < vs.length; i++) {
            String v = vs[i].strip();
            String prefix = i == 0 ? "pgjdbc" : "pgjdbc-newest";
            Path jar = Path.of(dir, "postgresql-" + v + ".jar");
            if (!Files.exists(jar)) {
                throw new IllegalStateException("missing " + jar + " (the pom copies it in generate-test-resources)");
            }
            try {
                ClassLoader loader = new ChildFirst(new URL[] {jar.toUri().toURL(), testClasses()}, PgjdbcVersions.class.getClassLoader());
                Class<?> flows = Class.forName(FLOWS, true, loader);
                Method run = flows.getMethod("run", String.class, String.class, String.class, String.class);
                String library = "pgjdbc " + flows.getMethod("driverVersion").invoke(null);
                @SuppressWarnings("unchecked")
                List<String> names = (List<String>) flows.getMethod("names").invoke(null);
                for (String name : names) {
                    out.add(JvmFlow.of(prefix + "." + name, library, (Db db) -> {
                        Thread t = Thread.currentThread();
                        ClassLoader before = t.getContextClassLoader();
                        t.setContextClassLoader(loader);
                        try {
                            run.invoke(null, name, db.jdbcUrl(), db.user(), db.password());
                        } catch (InvocationTargetException e) {
                            if (e.getCause() instanceof Exception ex) {
                                throw ex;
                            }
                            if (e.getCause() instanceof Error err) {
                                throw err;
                            }
                            throw new RuntimeException(e.getCause());
                        } finally {
                            t.setContextClassLoader(before);
                        }
                    }));
                }
            } catch (ReflectiveOperationException | java.net.MalformedURLException e) {
                throw new IllegalStateException("cannot load pgjdbc " + v + ": " + e, e);
            }
        }
        return out;
    }

    private static URL testClasses() throws java.net.MalformedURLException {
        return PgjdbcVersions.class.getProtectionDomain().getCodeSource().getLocation();
    }

    /** Loads pgjdbc and the flow class itself; everything else (the JDK) from the parent. */
    private static final class ChildFirst extends URLClassLoader {
        ChildFirst(URL[] urls, ClassLoader parent) {
            super(urls, parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (name.startsWith("org.postgresql.") || name.startsWith("borealis.ecosystem.jvm.pgjdbc.")) {
                synchronized (getClassLoadingLock(name)) {
                    Class<?> c = findLoadedClass(name);
                    if (c == null) {
                        c = findClass(name);
                    }
                    if (resolve) {
                        resolveClass(c);
                    }
                    return c;
                }
            }
            return super.loadClass(name, resolve);
        }
    }
}
