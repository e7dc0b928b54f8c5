package borealis.ecosystem;

/** A flow written in Java, run in the suite's JVM against one fresh database. */
public interface JvmFlow {

    String id();

    String library();

    void run(Db db) throws Exception;

    static JvmFlow of(String id, String library, Body body) {
        return new JvmFlow() {
            @Override
            public String id() {
                return id;
            }

            @Override
            public String library() {
                return library;
            }

            @Override
            public void run(Db db) throws Exception {
                body.run(db);
            }
        };
    }

    /** The body of a flow. */
    @FunctionalInterface
    interface Body {
        void run(Db db) throws Exception;
    }
}
