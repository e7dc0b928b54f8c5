package borealis.engine.pg.catalog;

import borealis.engine.pg.sql.CatalogNames;
import borealis.engine.pg.types.PgType;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The columns of each pg_catalog relation Borealis serves (PostgreSQL 15's, as clients select
 * them), as H2 column definitions. Every relation is a table in {@link CatalogNames#SCHEMA},
 * refilled from H2's own metadata when the schema changes.
 */
final class CatalogTables {

    static final String OID = "INTEGER";
    /** Columns of type name and int2vector are declared so that RowDescription reports those types ({@link PgType#NAME_LENGTH}). */
    static final String NAME = PgType.NAME_COLUMN;
    static final String INT2VECTOR = PgType.INT2VECTOR_COLUMN;
    static final String CHAR = "VARCHAR(1)";
    static final String BOOL = "BOOLEAN";
    static final String INT2 = "SMALLINT";
    static final String INT4 = "INTEGER";
    static final String TEXT = "VARCHAR";

    static final Map<String, String> DDL = new LinkedHashMap<>();

    static {
        t("pg_namespace", "oid INTEGER, nspname " + NAME + ", nspowner INTEGER, nspacl VARCHAR ARRAY");
        t("pg_class", "oid INTEGER, relname " + NAME + ", relnamespace INTEGER, reltype INTEGER, reloftype INTEGER, relowner INTEGER,"
                + " relam INTEGER, relfilenode INTEGER, reltablespace INTEGER, relpages INTEGER, reltuples REAL, relallvisible INTEGER,"
                + " reltoastrelid INTEGER, relhasindex BOOLEAN, relisshared BOOLEAN, relpersistence VARCHAR(1), relkind VARCHAR(1),"
                + " relnatts SMALLINT, relchecks SMALLINT, relhasrules BOOLEAN, relhastriggers BOOLEAN, relhassubclass BOOLEAN,"
                + " relrowsecurity BOOLEAN, relforcerowsecurity BOOLEAN, relispopulated BOOLEAN, relreplident VARCHAR(1),"
                + " relispartition BOOLEAN, relrewrite INTEGER, relfrozenxid INTEGER, relminmxid INTEGER, relacl VARCHAR ARRAY,"
                + " reloptions VARCHAR ARRAY, relpartbound VARCHAR, relhasoids BOOLEAN");
        t("pg_attribute", "attrelid INTEGER, attname " + NAME + ", atttypid INTEGER, attstattarget INTEGER, attlen SMALLINT,"
                + " attnum SMALLINT, attndims INTEGER, attcacheoff INTEGER, atttypmod INTEGER, attbyval BOOLEAN, attalign VARCHAR(1),"
                + " attstorage VARCHAR(1), attcompression VARCHAR(1), attnotnull BOOLEAN, atthasdef BOOLEAN, atthasmissing BOOLEAN,"
                + " attidentity VARCHAR(1), attgenerated VARCHAR(1), attisdropped BOOLEAN, attislocal BOOLEAN, attinhcount INTEGER,"
                + " attcollation INTEGER, attacl VARCHAR ARRAY, attoptions VARCHAR ARRAY, attfdwoptions VARCHAR ARRAY,"
                + " attmissingval VARCHAR");
        t("pg_type", "oid INTEGER, typname " + NAME + ", typnamespace INTEGER, typowner INTEGER, typlen SMALLINT, typbyval BOOLEAN,"
                + " typtype VARCHAR(1), typcategory VARCHAR(1), typispreferred BOOLEAN, typisdefined BOOLEAN, typdelim VARCHAR(1),"
                + " typrelid INTEGER, typsubscript VARCHAR, typelem INTEGER, typarray INTEGER, typinput INTEGER, typoutput INTEGER,"
                + " typreceive INTEGER, typsend INTEGER, typmodin VARCHAR, typmodout VARCHAR, typanalyze VARCHAR, typalign VARCHAR(1),"
                + " typstorage VARCHAR(1), typnotnull BOOLEAN, typbasetype INTEGER, typtypmod INTEGER, typndims INTEGER,"
                + " typcollation INTEGER, typdefaultbin VARCHAR, typdefault VARCHAR, typacl VARCHAR ARRAY");
        t("pg_index", "indexrelid INTEGER, indrelid INTEGER, indnatts SMALLINT, indnkeyatts SMALLINT, indisunique BOOLEAN,"
                + " indnullsnotdistinct BOOLEAN, indisprimary BOOLEAN, indisexclusion BOOLEAN, indimmediate BOOLEAN,"
                + " indisclustered BOOLEAN, indisvalid BOOLEAN, indcheckxmin BOOLEAN, indisready BOOLEAN, indislive BOOLEAN,"
                + " indisreplident BOOLEAN, indkey " + INT2VECTOR + ", indcollation INTEGER ARRAY, indclass INTEGER ARRAY,"
                + " indoption " + INT2VECTOR + ", indexprs VARCHAR, indpred VARCHAR, borealis_def VARCHAR");
        t("pg_index_keys", "indexrelid INTEGER, x SMALLINT, n INTEGER");
        t("pg_constraint", "oid INTEGER, conname " + NAME + ", connamespace INTEGER, contype VARCHAR(1), condeferrable BOOLEAN,"
                + " condeferred BOOLEAN, convalidated BOOLEAN, conrelid INTEGER, contypid INTEGER, conindid INTEGER,"
                + " conparentid INTEGER, confrelid INTEGER, confupdtype VARCHAR(1), confdeltype VARCHAR(1), confmatchtype VARCHAR(1),"
                + " conislocal BOOLEAN, coninhcount INTEGER, connoinherit BOOLEAN, conkey SMALLINT ARRAY, confkey SMALLINT ARRAY,"
                + " conpfeqop INTEGER ARRAY, conppeqop INTEGER ARRAY, conffeqop INTEGER ARRAY, confdelsetcols SMALLINT ARRAY,"
                + " conexclop INTEGER ARRAY, conbin VARCHAR, borealis_def VARCHAR");
        t("pg_attrdef", "oid INTEGER, adrelid INTEGER, adnum SMALLINT, adbin VARCHAR");
        t("pg_database", "oid INTEGER, datname VARCHAR, datdba INTEGER, encoding INTEGER, datlocprovider VARCHAR(1),"
                + " datistemplate BOOLEAN, datallowconn BOOLEAN, datconnlimit INTEGER, datfrozenxid INTEGER, datminmxid INTEGER,"
                + " dattablespace INTEGER, datcollate VARCHAR, datctype VARCHAR, daticulocale VARCHAR, datcollversion VARCHAR,"
                + " datacl VARCHAR ARRAY");
        String role = "oid INTEGER, rolname VARCHAR, rolsuper BOOLEAN, rolinherit BOOLEAN, rolcreaterole BOOLEAN,"
                + " rolcreatedb BOOLEAN, rolcanlogin BOOLEAN, rolreplication BOOLEAN, rolbypassrls BOOLEAN, rolconnlimit INTEGER,"
                + " rolpassword VARCHAR, rolvaliduntil TIMESTAMP WITH TIME ZONE, rolconfig VARCHAR ARRAY";
        t("pg_roles", role);
        t("pg_authid", role);
        t("pg_user", "usename VARCHAR, usesysid INTEGER, usecreatedb BOOLEAN, usesuper BOOLEAN, userepl BOOLEAN, usebypassrls BOOLEAN,"
                + " passwd VARCHAR, valuntil TIMESTAMP WITH TIME ZONE, useconfig VARCHAR ARRAY");
        t("pg_auth_members", "oid INTEGER, roleid INTEGER, member INTEGER, grantor INTEGER, admin_option BOOLEAN");
        t("pg_proc", "oid INTEGER, proname VARCHAR, pronamespace INTEGER, proowner INTEGER, prolang INTEGER, procost REAL,"
                + " prorows REAL, provariadic INTEGER, prosupport VARCHAR, prokind VARCHAR(1), prosecdef BOOLEAN,"
                + " proleakproof BOOLEAN, proisstrict BOOLEAN, proretset BOOLEAN, provolatile VARCHAR(1), proparallel VARCHAR(1),"
                + " pronargs SMALLINT, pronargdefaults SMALLINT, prorettype INTEGER, proargtypes VARCHAR, proallargtypes INTEGER ARRAY,"
                + " proargmodes VARCHAR ARRAY, proargnames VARCHAR ARRAY, proargdefaults VARCHAR, protrftypes INTEGER ARRAY,"
                + " prosrc VARCHAR, probin VARCHAR, prosqlbody VARCHAR, proconfig VARCHAR ARRAY, proacl VARCHAR ARRAY");
        t("pg_description", "objoid INTEGER, classoid INTEGER, objsubid INTEGER, description VARCHAR");
        t("pg_shdescription", "objoid INTEGER, classoid INTEGER, description VARCHAR");
        t("pg_am", "oid INTEGER, amname VARCHAR, amhandler VARCHAR, amtype VARCHAR(1)");
        t("pg_settings", "name VARCHAR, setting VARCHAR, unit VARCHAR, category VARCHAR, short_desc VARCHAR, extra_desc VARCHAR,"
                + " context VARCHAR, vartype VARCHAR, source VARCHAR, min_val VARCHAR, max_val VARCHAR, enumvals VARCHAR ARRAY,"
                + " boot_val VARCHAR, reset_val VARCHAR, sourcefile VARCHAR, sourceline INTEGER, pending_restart BOOLEAN");
        t("pg_collation", "oid INTEGER, collname VARCHAR, collnamespace INTEGER, collowner INTEGER, collprovider VARCHAR(1),"
                + " collisdeterministic BOOLEAN, collencoding INTEGER, collcollate VARCHAR, collctype VARCHAR, colliculocale VARCHAR,"
                + " collversion VARCHAR");
        t("pg_sequence", "seqrelid INTEGER, seqtypid INTEGER, seqstart BIGINT, seqincrement BIGINT, seqmax BIGINT, seqmin BIGINT,"
                + " seqcache BIGINT, seqcycle BOOLEAN");
        t("pg_sequences", "schemaname VARCHAR, sequencename VARCHAR, sequenceowner VARCHAR, data_type VARCHAR, start_value BIGINT,"
                + " min_value BIGINT, max_value BIGINT, increment_by BIGINT, cycle BOOLEAN, cache_size BIGINT, last_value BIGINT");
        t("pg_tables", "schemaname VARCHAR, tablename VARCHAR, tableowner VARCHAR, tablespace VARCHAR, hasindexes BOOLEAN,"
                + " hasrules BOOLEAN, hastriggers BOOLEAN, rowsecurity BOOLEAN");
        t("pg_views", "schemaname VARCHAR, viewname VARCHAR, viewowner VARCHAR, definition VARCHAR");
        t("pg_matviews", "schemaname VARCHAR, matviewname VARCHAR, matviewowner VARCHAR, tablespace VARCHAR, hasindexes BOOLEAN,"
                + " ispopulated BOOLEAN, definition VARCHAR");
        t("pg_indexes", "schemaname VARCHAR, tablename VARCHAR, indexname VARCHAR, tablespace VARCHAR, indexdef VARCHAR");
        t("pg_inherits", "inhrelid INTEGER, inhparent INTEGER, inhseqno INTEGER, inhdetachpending BOOLEAN");
        t("pg_trigger", "oid INTEGER, tgrelid INTEGER, tgparentid INTEGER, tgname VARCHAR, tgfoid INTEGER, tgtype SMALLINT,"
                + " tgenabled VARCHAR(1), tgisinternal BOOLEAN, tgconstrrelid INTEGER, tgconstrindid INTEGER, tgconstraint INTEGER,"
                + " tgdeferrable BOOLEAN, tginitdeferred BOOLEAN, tgnargs SMALLINT, tgattr VARCHAR, tgargs VARCHAR, tgqual VARCHAR,"
                + " tgoldtable VARCHAR, tgnewtable VARCHAR");
        t("pg_policy", "oid INTEGER, polname VARCHAR, polrelid INTEGER, polcmd VARCHAR(1), polpermissive BOOLEAN,"
                + " polroles VARCHAR, polqual VARCHAR, polwithcheck VARCHAR");
        t("pg_statistic_ext", "oid INTEGER, stxrelid INTEGER, stxname VARCHAR, stxnamespace INTEGER, stxowner INTEGER,"
                + " stxstattarget INTEGER, stxkeys VARCHAR, stxkind VARCHAR ARRAY, stxexprs VARCHAR");
        t("pg_publication", "oid INTEGER, pubname VARCHAR, pubowner INTEGER, puballtables BOOLEAN, pubinsert BOOLEAN,"
                + " pubupdate BOOLEAN, pubdelete BOOLEAN, pubtruncate BOOLEAN, pubviaroot BOOLEAN");
        t("pg_publication_namespace", "oid INTEGER, pnpubid INTEGER, pnnspid INTEGER");
        t("pg_publication_rel", "oid INTEGER, prpubid INTEGER, prrelid INTEGER, prqual VARCHAR, prattrs SMALLINT ARRAY");
        t("pg_partitioned_table", "partrelid INTEGER, partstrat VARCHAR(1), partnatts SMALLINT, partdefid INTEGER,"
                + " partattrs VARCHAR, partclass VARCHAR, partcollation VARCHAR, partexprs VARCHAR");
        t("pg_extension", "oid INTEGER, extname VARCHAR, extowner INTEGER, extnamespace INTEGER, extrelocatable BOOLEAN,"
                + " extversion VARCHAR, extconfig INTEGER ARRAY, extcondition VARCHAR ARRAY");
        t("pg_available_extensions", "name VARCHAR, default_version VARCHAR, installed_version VARCHAR, comment VARCHAR");
        t("pg_enum", "oid INTEGER, enumtypid INTEGER, enumsortorder REAL, enumlabel " + NAME);
        t("pg_range", "rngtypid INTEGER, rngsubtype INTEGER, rngmultitypid INTEGER, rngcollation INTEGER, rngsubopc INTEGER,"
                + " rngcanonical VARCHAR, rngsubdiff VARCHAR");
        t("pg_depend", "classid INTEGER, objid INTEGER, objsubid INTEGER, refclassid INTEGER, refobjid INTEGER, refobjsubid INTEGER,"
                + " deptype VARCHAR(1)");
        t("pg_tablespace", "oid INTEGER, spcname VARCHAR, spcowner INTEGER, spcacl VARCHAR ARRAY, spcoptions VARCHAR ARRAY");
        t("pg_rewrite", "oid INTEGER, rulename VARCHAR, ev_class INTEGER, ev_type VARCHAR(1), ev_enabled VARCHAR(1),"
                + " is_instead BOOLEAN, ev_qual VARCHAR, ev_action VARCHAR");
        t("pg_foreign_table", "ftrelid INTEGER, ftserver INTEGER, ftoptions VARCHAR ARRAY");
        t("pg_foreign_server", "oid INTEGER, srvname VARCHAR, srvowner INTEGER, srvfdw INTEGER, srvtype VARCHAR, srvversion VARCHAR,"
                + " srvacl VARCHAR ARRAY, srvoptions VARCHAR ARRAY");
        t("pg_foreign_data_wrapper", "oid INTEGER, fdwname VARCHAR, fdwowner INTEGER, fdwhandler INTEGER, fdwvalidator INTEGER,"
                + " fdwacl VARCHAR ARRAY, fdwoptions VARCHAR ARRAY");
        t("pg_event_trigger", "oid INTEGER, evtname VARCHAR, evtevent VARCHAR, evtowner INTEGER, evtfoid INTEGER,"
                + " evtenabled VARCHAR(1), evttags VARCHAR ARRAY");
        t("pg_stat_activity", "datid INTEGER, datname VARCHAR, pid INTEGER, leader_pid INTEGER, usesysid INTEGER, usename VARCHAR,"
                + " application_name VARCHAR, client_addr VARCHAR, client_hostname VARCHAR, client_port INTEGER,"
                + " backend_start TIMESTAMP WITH TIME ZONE, xact_start TIMESTAMP WITH TIME ZONE, query_start TIMESTAMP WITH TIME ZONE,"
                + " state_change TIMESTAMP WITH TIME ZONE, wait_event_type VARCHAR, wait_event VARCHAR, state VARCHAR,"
                + " backend_xid INTEGER, backend_xmin INTEGER, query_id BIGINT, query VARCHAR, backend_type VARCHAR");
        t("pg_locks", "locktype VARCHAR, database INTEGER, relation INTEGER, pid INTEGER, mode VARCHAR, granted BOOLEAN");
        t("pg_stat_user_tables", "relid INTEGER, schemaname VARCHAR, relname VARCHAR, seq_scan BIGINT, seq_tup_read BIGINT,"
                + " idx_scan BIGINT, idx_tup_fetch BIGINT, n_tup_ins BIGINT, n_tup_upd BIGINT, n_tup_del BIGINT, n_live_tup BIGINT,"
                + " n_dead_tup BIGINT, last_vacuum TIMESTAMP WITH TIME ZONE, last_autovacuum TIMESTAMP WITH TIME ZONE,"
                + " last_analyze TIMESTAMP WITH TIME ZONE, last_autoanalyze TIMESTAMP WITH TIME ZONE");
        t("pg_statio_user_tables", "relid INTEGER, schemaname " + NAME + ", relname " + NAME + ", heap_blks_read BIGINT, heap_blks_hit BIGINT");
        t("pg_statio_all_tables", "relid INTEGER, schemaname " + NAME + ", relname " + NAME + ", heap_blks_read BIGINT, heap_blks_hit BIGINT");
        t("pg_language", "oid INTEGER, lanname VARCHAR, lanowner INTEGER, lanispl BOOLEAN, lanpltrusted BOOLEAN");
        t("pg_operator", "oid INTEGER, oprname VARCHAR, oprnamespace INTEGER, oprowner INTEGER, oprkind VARCHAR(1),"
                + " oprleft INTEGER, oprright INTEGER, oprresult INTEGER");
        t("pg_cast", "oid INTEGER, castsource INTEGER, casttarget INTEGER, castfunc INTEGER, castcontext VARCHAR(1),"
                + " castmethod VARCHAR(1)");
        t("pg_opclass", "oid INTEGER, opcmethod INTEGER, opcname VARCHAR, opcnamespace INTEGER, opcowner INTEGER,"
                + " opcfamily INTEGER, opcintype INTEGER, opcdefault BOOLEAN, opckeytype INTEGER");
        t("pg_conversion", "oid INTEGER, conname VARCHAR, connamespace INTEGER, conowner INTEGER, conforencoding INTEGER,"
                + " contoencoding INTEGER, conproc VARCHAR, condefault BOOLEAN");
        t("pg_timezone_names", "name VARCHAR, abbrev VARCHAR, utc_offset VARCHAR, is_dst BOOLEAN");
    }

    static {
        // information_schema's views live beside the pg_catalog tables, filled from the same metadata
        DDL.putAll(InformationSchemaTables.DDL);
    }

    private static void t(String name, String columns) {
        DDL.put(name, columns);
    }

    private CatalogTables() {}
}
