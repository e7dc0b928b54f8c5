package borealis.engine.pg.sql;

import java.util.List;

/**
 * What a PostgreSQL statement becomes for H2.
 *
 * @param engineSql     the statement to prepare in H2 (parameters as {@code ?n}); several
 *                      statements separated by ';' when one PostgreSQL statement needs several
 * @param parameters    the highest parameter number used ($n)
 * @param emptyColumns  non-null when the statement reads only catalog relations that are always
 *                      empty in Borealis: the result is no rows with these column names
 * @param changesSchema the statement is DDL (the catalog must be refreshed after it)
 * @param readsCatalog  the statement reads the pg_catalog relations
 * @param cacheable     the translation depends on the statement text alone
 * @param upsert        an INSERT ... ON CONFLICT DO UPDATE (a MERGE for H2), which a concurrent
 *                      insert of the same key makes fail where PostgreSQL updates the row instead
 * @param conflictTarget an upsert's conflict columns as written (empty for any other statement)
 */
public record Translation(String engineSql, int parameters, List<String> emptyColumns, boolean changesSchema,
                          boolean readsCatalog, boolean cacheable, boolean upsert, List<String> conflictTarget) {}
