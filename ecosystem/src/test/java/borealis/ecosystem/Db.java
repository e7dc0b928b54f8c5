package borealis.ecosystem;

import java.util.LinkedHashMap;
import java.util.Map;

/** One fresh database for one flow: a PostgreSQL database, or a Borealis cluster ({@code tenant.cluster}). */
public record Db(String target, String host, int port, String database, String user, String password) {

    public String jdbcUrl() {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database + "?sslmode=disable";
    }

    /** What the external flow runners receive (no target name: a flow never branches on the server). */
    public Map<String, Object> toJson(String flowId) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", flowId);
        m.put("host", host);
        m.put("port", port);
        m.put("dbname", database);
        m.put("user", user);
        m.put("password", password);
        return m;
    }
}
