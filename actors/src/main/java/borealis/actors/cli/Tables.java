package borealis.actors.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders API JSON as a text table for {@code --output table}. A response that holds an array of
 * objects (a list, the endpoints, the clusters of a usage report) becomes one row per element,
 * with the response's other scalar fields printed above as {@code name: value}; anything else is
 * one row. Nested objects flatten to {@code parent.child} columns, arrays of scalars to a
 * comma-separated cell.
 */
final class Tables {

    /** The list fields of API responses: rows even when empty. */
    private static final java.util.Set<String> LISTS = java.util.Set.of("tenants", "clusters", "endpoints", "events", "statements");

    private Tables() {}

    static String render(JsonNode node) {
        StringBuilder out = new StringBuilder();
        List<JsonNode> rows = new ArrayList<>();
        String rowsField = node.isObject() ? arrayOfObjectsField(node) : null;
        if (rowsField != null) {
            for (Map.Entry<String, JsonNode> f : node.properties()) {
                if (!f.getKey().equals(rowsField) && f.getValue().isValueNode()) {
                    out.append(f.getKey()).append(": ").append(f.getValue().asText()).append('\n');
                }
            }
            node.get(rowsField).forEach(rows::add);
        } else if (node.isArray()) {
            node.forEach(rows::add);
        } else {
            rows.add(node);
        }
        List<Map<String, String>> flat = new ArrayList<>();
        List<String> columns = new ArrayList<>();
        for (JsonNode r : rows) {
            Map<String, String> cells = new LinkedHashMap<>();
            flatten("", r, cells);
            cells.keySet().forEach(k -> {
                if (!columns.contains(k)) {
                    columns.add(k);
                }
            });
            flat.add(cells);
        }
        if (rows.isEmpty()) {
            return out.append("(none)").toString();
        }
        int[] width = new int[columns.size()];
        for (int i = 0; i < columns.size(); i++) {
            width[i] = columns.get(i).length();
            for (Map<String, String> row : flat) {
                width[i] = Math.max(width[i], row.getOrDefault(columns.get(i), "").length());
            }
        }
        appendRow(out, columns, width);
        for (int i = 0; i < width.length; i++) {
            out.append(i == 0 ? "" : "-+-").append("-".repeat(width[i]));
        }
        out.append('\n');
        for (Map<String, String> row : flat) {
            appendRow(out, columns.stream().map(c -> row.getOrDefault(c, "")).toList(), width);
        }
        return out.toString().stripTrailing();
    }

    private static String arrayOfObjectsField(JsonNode node) {
        for (Map.Entry<String, JsonNode> f : node.properties()) {
            JsonNode v = f.getValue();
            if (v.isArray() && (v.isEmpty() ? LISTS.contains(f.getKey()) : v.get(0).isObject())) {
                return f.getKey();
            }
        }
        return null;
    }

    private static void flatten(String prefix, JsonNode v, Map<String, String> cells) {
        if (v.isObject()) {
            v.properties().forEach(f -> flatten(prefix.isEmpty() ? f.getKey() : prefix + "." + f.getKey(), f.getValue(), cells));
        } else if (v.isArray()) {
            List<String> parts = new ArrayList<>();
            v.forEach(e -> parts.add(e.isValueNode() ? e.asText() : e.toString()));
            cells.put(prefix.isEmpty() ? "value" : prefix, String.join(", ", parts));
        } else {
            cells.put(prefix.isEmpty() ? "value" : prefix, v.isNull() ? "" : v.asText());
        }
    }

    private static void appendRow(StringBuilder sb, List<String> row, int[] width) {
        for (int i = 0; i < row.size(); i++) {
            sb.append(i == 0 ? "" : " | ").append(String.format("%-" + width[i] + "s", row.get(i)));
        }
        sb.append('\n');
    }
}
