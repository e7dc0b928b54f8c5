package borealis.engine.pg.session;

import borealis.engine.pg.sql.SqlLexer;
import borealis.engine.pg.types.PgType;
import java.util.List;
import java.util.Map;

/**
 * A parameter declared a number or a boolean (by Parse, or PREPARE name(float8, ...)) is that type in
 * the statement, as in PostgreSQL: {@code $2 * 2} with $2 a float8 of 1.5 is 3. H2 types a bare
 * parameter from its context instead (an integer there) and rounds the value to it, so the engine's
 * statement gets the declared types as casts (after translation: the column names stay those of the
 * statement as written). Text types stay bare: H2 then converts them to what the context wants, as
 * PostgreSQL does with an unknown-typed parameter.
 */
final class DeclaredParameterCasts {

    private static final Map<PgType, String> ENGINE_TYPES = Map.of(PgType.INT2, "SMALLINT", PgType.INT4, "INTEGER",
            PgType.INT8, "BIGINT", PgType.FLOAT4, "REAL", PgType.FLOAT8, "DOUBLE PRECISION",
            PgType.BOOL, "BOOLEAN");

    private DeclaredParameterCasts() {}

    /** The engine's statement with {@code CAST(?n AS type)} for each parameter declared one of those types. */
    static String apply(String engineSql, int[] declaredTypes) {
        boolean any = false;
        for (int oid : declaredTypes) {
            PgType type = PgType.byOid(oid);
            any |= type != null && ENGINE_TYPES.containsKey(type);
        }
        if (!any) {
            return engineSql;
        }
        StringBuilder out = new StringBuilder(engineSql.length() + 32);
        int copied = 0;
        List<SqlLexer.Token> tokens = SqlLexer.tokenize(engineSql);
        for (int i = 0; i + 1 < tokens.size(); i++) {
            SqlLexer.Token mark = tokens.get(i);
            SqlLexer.Token number = tokens.get(i + 1);
            if (!mark.text().equals("?") || number.kind() != SqlLexer.Kind.NUMBER || number.start() != mark.end()
                    || !number.text().chars().allMatch(Character::isDigit)) {
                continue;
            }
            int n = Integer.parseInt(number.text());
            PgType type = n >= 1 && n <= declaredTypes.length ? PgType.byOid(declaredTypes[n - 1]) : null;
            String engineType = type == null ? null : ENGINE_TYPES.get(type);
            if (engineType == null) {
                continue;
            }
            out.append(engineSql, copied, mark.start()).append("CAST(?").append(n).append(" AS ").append(engineType).append(')');
            copied = number.end();
        }
        return copied == 0 ? engineSql : out.append(engineSql, copied, engineSql.length()).toString();
    }
}
