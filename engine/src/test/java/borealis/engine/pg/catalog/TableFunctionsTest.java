package borealis.engine.pg.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** string_to_table, regexp_split_to_table and regexp_matches' rows against PostgreSQL 15's answers (psql 15.18, 2026-12-06). */
class TableFunctionsTest {

    private static List<String> rows(ResultSet rs) throws SQLException {
        List<String> out = new ArrayList<>();
        while (rs.next()) {
            out.add(rs.getString(1));
        }
        return out;
    }

    @Test
    void splitsIntoRows() throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:h2:mem:")) {
            assertEquals(List.of("1", "2", "3", ""), rows(TableFunctions.string_to_table(c, "1|2|3|", "|")));
            assertEquals(List.of("1", "2|3", ""), rows(TableFunctions.string_to_table(c, "1||2|3||", "||")));
            assertEquals(List.of("1|2|3"), rows(TableFunctions.string_to_table(c, "1|2|3", "")));
            assertEquals(List.of("1", "|", "2", "|", "3"), rows(TableFunctions.string_to_table(c, "1|2|3", null)));
            assertEquals(List.of(), rows(TableFunctions.string_to_table(c, "", "|")));
            assertEquals(List.of(), rows(TableFunctions.string_to_table(c, null, "|")));
            assertEquals(Arrays.asList("1", "2", "3", "4", null, "6"), rows(TableFunctions.string_to_table(c, "1,2,3,4,*,6", ",", "*")));
            assertEquals(Arrays.asList((String) null), rows(TableFunctions.string_to_table(c, "abc", "", "abc")));
            assertEquals(List.of("th", " QUick bROWn FOx jUMPs ov", "r Th", " lazy dOG"),
                    rows(TableFunctions.regexp_split_to_table(c, "thE QUick bROWn FOx jUMPs ovEr The lazy dOG", "e", "i")));
            assertEquals(List.of("the quick brown fox jumps over the lazy dog"),
                    rows(TableFunctions.regexp_split_to_table(c, "the quick brown fox jumps over the lazy dog", "nomatch")));
            SQLException g = assertThrows(SQLException.class, () -> TableFunctions.regexp_split_to_table(c, "abc", "e", "g"));
            assertEquals("22023", g.getSQLState());
            assertEquals("regexp_split_to_table() does not support the \"global\" option", g.getMessage());
            SQLException z = assertThrows(SQLException.class, () -> TableFunctions.regexp_split_to_table(c, "abc", "e", "zippy"));
            assertEquals("invalid regular expression option: \"z\"", z.getMessage());
        }
    }

    @Test
    void regexpMatchesRows() throws SQLException {
        assertEquals(List.of(List.of("bar", "beque")), rows(RegexpFunctions.regexp_matches_array("foobarbequebaz", "(bar)(beque)")));
        assertEquals(List.of(List.of("bAR", "bEqUE")), rows(RegexpFunctions.regexp_matches_array("foObARbEqUEbAz", "(bar)(beque)", "i")));
        assertEquals(List.of(List.of("bar", "beque"), List.of("bazil", "barf")),
                rows(RegexpFunctions.regexp_matches_array("foobarbequebazilbarfbonk", "(b[^b]+)(b[^b]+)", "g")));
        assertEquals(List.of(List.of("bar", "", "beque")), rows(RegexpFunctions.regexp_matches_array("foobarbequebaz", "(bar)(.*)(beque)")));
        assertEquals(List.of(), rows(RegexpFunctions.regexp_matches_array("foobarbequebaz", "(bar)(.+)(beque)")));
        assertEquals(List.of(Arrays.asList("bar", null, "beque")), rows(RegexpFunctions.regexp_matches_array("foobarbequebaz", "(bar)(.+)?(beque)")));
        assertEquals(List.of(List.of("barbeque")), rows(RegexpFunctions.regexp_matches_array("foobarbequebaz", "barbeque")));
        assertEquals(List.of(List.of(""), List.of(""), List.of(""), List.of("")),
                rows(RegexpFunctions.regexp_matches_array("foo\nbar\nbequq\nbaz", "^", "mg")));
        SQLException z = assertThrows(SQLException.class, () -> RegexpFunctions.regexp_matches_array("foobarbequebaz", "(bar)(beque)", "gz"));
        assertEquals("invalid regular expression option: \"z\"", z.getMessage());
    }

    private static List<List<String>> rows(String[][] matches) {
        List<List<String>> out = new ArrayList<>();
        for (String[] row : matches) {
            out.add(Arrays.asList(row));
        }
        return out;
    }
}
