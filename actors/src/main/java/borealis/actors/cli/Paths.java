package borealis.actors.cli;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/** Builds admin API paths with every user-given part percent-encoded, so a name can never change the path. */
final class Paths {

    private Paths() {}

    static String of(String... segments) {
        StringBuilder b = new StringBuilder("/v1");
        for (String s : segments) {
            b.append('/').append(encode(s));
        }
        return b.toString();
    }

    /** Appends the non-null query parameters given as name, value, name, value... */
    static String query(String path, String... nameValues) {
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i + 1 < nameValues.length; i += 2) {
            if (nameValues[i + 1] != null) {
                params.put(nameValues[i], nameValues[i + 1]);
            }
        }
        if (params.isEmpty()) {
            return path;
        }
        StringJoiner q = new StringJoiner("&", path + "?", "");
        params.forEach((k, v) -> q.add(k + "=" + encode(v)));
        return q.toString();
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
