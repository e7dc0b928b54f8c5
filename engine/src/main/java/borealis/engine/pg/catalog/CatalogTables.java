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

    static final String OID = PgType.OID_COLUMN;
    /** Columns of type name and int2vector are declared so that RowDescription reports those types ({@link PgType#NAME_LENGTH}). */
    static final String NAME = PgType.NAME_COLUMN;
    static final String INT2VECTOR = PgType.INT2VECTOR_COLUMN;
    static final String CHAR = "VARCHAR(1)";
    static final String BOOL = "BOOLEAN";
    static final String INT2 = "SMALLINT";
    static final String INT4 = "INTEGER";
    static final String TEXT = PgType.TEXT_COLUMN;

    static final Map<String, String> DDL = new LinkedHashMap<>();

    static {
        t("pg_namespace", "oid " + OID + ", nspname " + NAME + ", nspowner " + OID + ", nspacl VARCHAR ARRAY");
        t("pg_class", "oid " + OID + ", relname " + NAME + ", relnamespace " + OID + ", reltype " + OID + ", reloftype " + OID + ", relowner " + OID + ","
                + " relam " + OID + ", relfilenode " + OID + ", reltablespace " + OID + ", relpages INTEGER, reltuples REAL, relallvisible INTEGER,"
                + " reltoastrelid " + OID + ", relhasindex BOOLEAN, relisshared BOOLEAN, relpersistence VARCHAR(1), relkind VARCHAR(1),"
                + " relnatts SMALLINT, relchecks SMALLINT, relhasrules BOOLEAN, relhastriggers BOOLEAN, relhassubclass BOOLEAN,"
                + " relrowsecurity BOOLEAN, relforcerowsecurity BOOLEAN, relispopulated BOOLEAN, relreplident VARCHAR(1),"
                + " relispartition BOOLEAN, relrewrite " + OID + ", relfrozenxid INTEGER, relminmxid INTEGER, relacl VARCHAR ARRAY,"
                + " reloptions " + TEXT + " ARRAY, relpartbound VARCHAR, relhasoids BOOLEAN");
        t("pg_attribute", "attrelid " + OID + ", attname " + NAME + ", atttypid " + OID + ", attstattarget INTEGER, attlen SMALLINT,"
                + " attnum SMALLINT, attndims INTEGER, attcacheoff INTEGER, atttypmod INTEGER, attbyval BOOLEAN, attalign VARCHAR(1),"
                + " attstorage VARCHAR(1), attcompression VARCHAR(1), attnotnull BOOLEAN, atthasdef BOOLEAN, atthasmissing BOOLEAN,"
                + " attidentity VARCHAR(1), attgenerated VARCHAR(1), attisdropped BOOLEAN, attislocal BOOLEAN, attinhcount INTEGER,"
                + " attcollation " + OID + ", attacl VARCHAR ARRAY, attoptions " + TEXT + " ARRAY, attfdwoptions " + TEXT + " ARRAY,"
                + " attmissingval VARCHAR");
        t("pg_type", "oid " + OID + ", typname " + NAME + ", typnamespace " + OID + ", typowner " + OID + ", typlen SMALLINT, typbyval BOOLEAN,"
                + " typtype VARCHAR(1), typcategory VARCHAR(1), typispreferred BOOLEAN, typisdefined BOOLEAN, typdelim VARCHAR(1),"
                + " typrelid " + OID + ", typsubscript VARCHAR, typelem " + OID + ", typarray " + OID + ", typinput INTEGER, typoutput INTEGER,"
                + " typreceive INTEGER, typsend INTEGER, typmodin VARCHAR, typmodout VARCHAR, typanalyze VARCHAR, typalign VARCHAR(1),"
                + " typstorage VARCHAR(1), typnotnull BOOLEAN, typbasetype " + OID + ", typtypmod INTEGER, typndims INTEGER,"
                + " typcollation " + OID + ", typdefaultbin VARCHAR, typdefault " + TEXT + ", typacl VARCHAR ARRAY");
        t("pg_index", "indexrelid " + OID + ", indrelid " + OID + ", indnatts SMALLINT, indnkeyatts SMALLINT, indisunique BOOLEAN,"
                + " indnullsnotdistinct BOOLEAN, indisprimary BOOLEAN, indisexclusion BOOLEAN, indimmediate BOOLEAN,"
                + " indisclustered BOOLEAN, indisvalid BOOLEAN, indcheckxmin BOOLEAN, indisready BOOLEAN, indislive BOOLEAN,"
                + " indisreplident BOOLEAN, indkey " + INT2VECTOR + ", indcollation " + OID + " ARRAY, indclass " + OID + " ARRAY,"
                + " indoption " + INT2VECTOR + ", indexprs VARCHAR, indpred VARCHAR, borealis_def VARCHAR");
        t("pg_index_keys", "indexrelid INTEGER, x SMALLINT, n INTEGER");
        t("pg_constraint", "oid " + OID + ", conname " + NAME + ", connamespace " + OID + ", contype VARCHAR(1), condeferrable BOOLEAN,"
                + " condeferred BOOLEAN, convalidated BOOLEAN, conrelid " + OID + ", contypid " + OID + ", conindid " + OID + ","
                + " conparentid " + OID + ", confrelid " + OID + ", confupdtype VARCHAR(1), confdeltype VARCHAR(1), confmatchtype VARCHAR(1),"
                + " conislocal BOOLEAN, coninhcount INTEGER, connoinherit BOOLEAN, conkey SMALLINT ARRAY, confkey SMALLINT ARRAY,"
                + " conpfeqop " + OID + " ARRAY, conppeqop " + OID + " ARRAY, conffeqop " + OID + " ARRAY, confdelsetcols SMALLINT ARRAY,"
                + " conexclop " + OID + " ARRAY, conbin VARCHAR, borealis_def VARCHAR");
        t("pg_attrdef", "oid " + OID + ", adrelid " + OID + ", adnum SMALLINT, adbin VARCHAR");
        t("pg_database", "oid " + OID + ", datname " + NAME + ", datdba " + OID + ", encoding INTEGER, datlocprovider VARCHAR(1),"
                + " datistemplate BOOLEAN, datallowconn BOOLEAN, datconnlimit INTEGER, datfrozenxid INTEGER, datminmxid INTEGER,"
                + " dattablespace " + OID + ", datcollate " + TEXT + ", datctype " + TEXT + ", daticulocale " + TEXT + ", datcollversion " + TEXT + ","
                + " datacl VARCHAR ARRAY");
        String role = "oid " + OID + ", rolname " + NAME + ", rolsuper BOOLEAN, rolinherit BOOLEAN, rolcreaterole BOOLEAN,"
                + " rolcreatedb BOOLEAN, rolcanlogin BOOLEAN, rolreplication BOOLEAN, rolbypassrls BOOLEAN, rolconnlimit INTEGER,"
                + " rolpassword " + TEXT + ", rolvaliduntil TIMESTAMP WITH TIME ZONE, rolconfig " + TEXT + " ARRAY";
        t("pg_roles", role);
        t("pg_authid", role);
        t("pg_user", "usename " + NAME + ", usesysid " + OID + ", usecreatedb BOOLEAN, usesuper BOOLEAN, userepl BOOLEAN, usebypassrls BOOLEAN,"
                + " passwd " + TEXT + ", valuntil TIMESTAMP WITH TIME ZONE, useconfig " + TEXT + " ARRAY");
        t("pg_auth_members", "oid " + OID + ", roleid " + OID + ", member " + OID + ", grantor " + OID + ", admin_option BOOLEAN");
        t("pg_proc", "oid " + OID + ", proname " + NAME + ", pronamespace " + OID + ", proowner " + OID + ", prolang " + OID + ", procost REAL,"
                + " prorows REAL, provariadic " + OID + ", prosupport VARCHAR, prokind VARCHAR(1), prosecdef BOOLEAN,"
                + " proleakproof BOOLEAN, proisstrict BOOLEAN, proretset BOOLEAN, provolatile VARCHAR(1), proparallel VARCHAR(1),"
                + " pronargs SMALLINT, pronargdefaults SMALLINT, prorettype " + OID + ", proargtypes VARCHAR, proallargtypes " + OID + " ARRAY,"
                + " proargmodes VARCHAR ARRAY, proargnames " + TEXT + " ARRAY, proargdefaults VARCHAR, protrftypes " + OID + " ARRAY,"
                + " prosrc " + TEXT + ", probin " + TEXT + ", prosqlbody VARCHAR, proconfig " + TEXT + " ARRAY, proacl VARCHAR ARRAY");
        t("pg_description", "objoid " + OID + ", classoid " + OID + ", objsubid INTEGER, description " + TEXT);
        t("pg_shdescription", "objoid " + OID + ", classoid " + OID + ", description " + TEXT);
        t("pg_am", "oid " + OID + ", amname " + NAME + ", amhandler VARCHAR, amtype VARCHAR(1)");
        t("pg_settings", "name " + TEXT + ", setting " + TEXT + ", unit " + TEXT + ", category " + TEXT + ", short_desc " + TEXT + ", extra_desc " + TEXT + ","
                + " context " + TEXT + ", vartype " + TEXT + ", source " + TEXT + ", min_val " + TEXT + ", max_val " + TEXT + ", enumvals " + TEXT + " ARRAY,"
                + " boot_val " + TEXT + ", reset_val " + TEXT + ", sourcefile " + TEXT + ", sourceline INTEGER, pending_restart BOOLEAN");
        t("pg_collation", "oid " + OID + ", collname " + NAME + ", collnamespace " + OID + ", collowner " + OID + ", collprovider VARCHAR(1),"
                + " collisdeterministic BOOLEAN, collencoding INTEGER, collcollate " + TEXT + ", collctype " + TEXT + ", colliculocale " + TEXT + ","
                + " collversion " + TEXT);
        t("pg_sequence", "seqrelid " + OID + ", seqtypid " + OID + ", seqstart BIGINT, seqincrement BIGINT, seqmax BIGINT, seqmin BIGINT,"
                + " seqcache BIGINT, seqcycle BOOLEAN");
        t("pg_sequences", "schemaname " + NAME + ", sequencename " + NAME + ", sequenceowner " + NAME + ", data_type VARCHAR, start_value BIGINT,"
                + " min_value BIGINT, max_value BIGINT, increment_by BIGINT, cycle BOOLEAN, cache_size BIGINT, last_value BIGINT");
        t("pg_tables", "schemaname " + NAME + ", tablename " + NAME + ", tableowner " + NAME + ", tablespace " + NAME + ", hasindexes BOOLEAN,"
                + " hasrules BOOLEAN, hastriggers BOOLEAN, rowsecurity BOOLEAN");
        t("pg_views", "schemaname " + NAME + ", viewname " + NAME + ", viewowner " + NAME + ", definition " + TEXT);
        t("pg_matviews", "schemaname " + NAME + ", matviewname " + NAME + ", matviewowner " + NAME + ", tablespace " + NAME + ", hasindexes BOOLEAN,"
                + " ispopulated BOOLEAN, definition " + TEXT);
        t("pg_indexes", "schemaname " + NAME + ", tablename " + NAME + ", indexname " + NAME + ", tablespace " + NAME + ", indexdef " + TEXT);
        t("pg_inherits", "inhrelid " + OID + ", inhparent " + OID + ", inhseqno INTEGER, inhdetachpending BOOLEAN");
        t("pg_trigger", "oid " + OID + ", tgrelid " + OID + ", tgparentid " + OID + ", tgname " + NAME + ", tgfoid " + OID + ", tgtype SMALLINT,"
                + " tgenabled VARCHAR(1), tgisinternal BOOLEAN, tgconstrrelid " + OID + ", tgconstrindid " + OID + ", tgconstraint " + OID + ","
                + " tgdeferrable BOOLEAN, tginitdeferred BOOLEAN, tgnargs SMALLINT, tgattr VARCHAR, tgargs VARCHAR, tgqual VARCHAR,"
                + " tgoldtable " + NAME + ", tgnewtable " + NAME);
        t("pg_policy", "oid " + OID + ", polname " + NAME + ", polrelid " + OID + ", polcmd VARCHAR(1), polpermissive BOOLEAN,"
                + " polroles VARCHAR, polqual VARCHAR, polwithcheck VARCHAR");
        t("pg_statistic_ext", "oid " + OID + ", stxrelid " + OID + ", stxname " + NAME + ", stxnamespace " + OID + ", stxowner " + OID + ","
                + " stxstattarget INTEGER, stxkeys VARCHAR, stxkind VARCHAR ARRAY, stxexprs VARCHAR");
        t("pg_publication", "oid " + OID + ", pubname " + NAME + ", pubowner " + OID + ", puballtables BOOLEAN, pubinsert BOOLEAN,"
                + " pubupdate BOOLEAN, pubdelete BOOLEAN, pubtruncate BOOLEAN, pubviaroot BOOLEAN");
        t("pg_publication_namespace", "oid " + OID + ", pnpubid " + OID + ", pnnspid " + OID);
        t("pg_publication_rel", "oid " + OID + ", prpubid " + OID + ", prrelid " + OID + ", prqual VARCHAR, prattrs SMALLINT ARRAY");
        t("pg_partitioned_table", "partrelid " + OID + ", partstrat VARCHAR(1), partnatts SMALLINT, partdefid " + OID + ","
                + " partattrs VARCHAR, partclass VARCHAR, partcollation VARCHAR, partexprs VARCHAR");
        t("pg_extension", "oid " + OID + ", extname " + NAME + ", extowner " + OID + ", extnamespace " + OID + ", extrelocatable BOOLEAN,"
                + " extversion " + TEXT + ", extconfig " + OID + " ARRAY, extcondition " + TEXT + " ARRAY");
        t("pg_available_extensions", "name " + NAME + ", default_version " + TEXT + ", installed_version " + TEXT + ", comment " + TEXT);
        t("pg_enum", "oid " + OID + ", enumtypid " + OID + ", enumsortorder REAL, enumlabel " + NAME);
        t("pg_range", "rngtypid " + OID + ", rngsubtype " + OID + ", rngmultitypid " + OID + ", rngcollation " + OID + ", rngsubopc " + OID + ","
                + " rngcanonical VARCHAR, rngsubdiff VARCHAR");
        t("pg_depend", "classid " + OID + ", objid " + OID + ", objsubid INTEGER, refclassid " + OID + ", refobjid " + OID + ", refobjsubid INTEGER,"
                + " deptype VARCHAR(1)");
        t("pg_tablespace", "oid " + OID + ", spcname " + NAME + ", spcowner " + OID + ", spcacl VARCHAR ARRAY, spcoptions " + TEXT + " ARRAY");
        t("pg_rewrite", "oid " + OID + ", rulename " + NAME + ", ev_class " + OID + ", ev_type VARCHAR(1), ev_enabled VARCHAR(1),"
                + " is_instead BOOLEAN, ev_qual VARCHAR, ev_action VARCHAR");
        t("pg_foreign_table", "ftrelid " + OID + ", ftserver " + OID + ", ftoptions " + TEXT + " ARRAY");
        t("pg_foreign_server", "oid " + OID + ", srvname " + NAME + ", srvowner " + OID + ", srvfdw " + OID + ", srvtype " + TEXT + ", srvversion " + TEXT + ","
                + " srvacl VARCHAR ARRAY, srvoptions " + TEXT + " ARRAY");
        t("pg_foreign_data_wrapper", "oid " + OID + ", fdwname " + NAME + ", fdwowner " + OID + ", fdwhandler " + OID + ", fdwvalidator " + OID + ","
                + " fdwacl VARCHAR ARRAY, fdwoptions " + TEXT + " ARRAY");
        t("pg_event_trigger", "oid " + OID + ", evtname " + NAME + ", evtevent " + NAME + ", evtowner " + OID + ", evtfoid " + OID + ","
                + " evtenabled VARCHAR(1), evttags " + TEXT + " ARRAY");
        t("pg_stat_activity", "datid " + OID + ", datname " + NAME + ", pid INTEGER, leader_pid INTEGER, usesysid " + OID + ", usename " + NAME + ","
                + " application_name " + TEXT + ", client_addr VARCHAR, client_hostname " + TEXT + ", client_port INTEGER,"
                + " backend_start TIMESTAMP WITH TIME ZONE, xact_start TIMESTAMP WITH TIME ZONE, query_start TIMESTAMP WITH TIME ZONE,"
                + " state_change TIMESTAMP WITH TIME ZONE, wait_event_type " + TEXT + ", wait_event " + TEXT + ", state " + TEXT + ","
                + " backend_xid INTEGER, backend_xmin INTEGER, query_id BIGINT, query " + TEXT + ", backend_type " + TEXT);
        t("pg_locks", "locktype " + TEXT + ", database " + OID + ", relation " + OID + ", pid INTEGER, mode " + TEXT + ", granted BOOLEAN");
        t("pg_stat_user_tables", "relid " + OID + ", schemaname " + NAME + ", relname " + NAME + ", seq_scan BIGINT, seq_tup_read BIGINT,"
                + " idx_scan BIGINT, idx_tup_fetch BIGINT, n_tup_ins BIGINT, n_tup_upd BIGINT, n_tup_del BIGINT, n_live_tup BIGINT,"
                + " n_dead_tup BIGINT, last_vacuum TIMESTAMP WITH TIME ZONE, last_autovacuum TIMESTAMP WITH TIME ZONE,"
                + " last_analyze TIMESTAMP WITH TIME ZONE, last_autoanalyze TIMESTAMP WITH TIME ZONE");
        t("pg_statio_user_tables", "relid " + OID + ", schemaname " + NAME + ", relname " + NAME + ", heap_blks_read BIGINT, heap_blks_hit BIGINT");
        t("pg_statio_all_tables", "relid " + OID + ", schemaname " + NAME + ", relname " + NAME + ", heap_blks_read BIGINT, heap_blks_hit BIGINT");
        t("pg_language", "oid " + OID + ", lanname " + NAME + ", lanowner " + OID + ", lanispl BOOLEAN, lanpltrusted BOOLEAN");
        t("pg_operator", "oid " + OID + ", oprname " + NAME + ", oprnamespace " + OID + ", oprowner " + OID + ", oprkind VARCHAR(1),"
                + " oprleft " + OID + ", oprright " + OID + ", oprresult " + OID);
        t("pg_cast", "oid " + OID + ", castsource " + OID + ", casttarget " + OID + ", castfunc " + OID + ", castcontext VARCHAR(1),"
                + " castmethod VARCHAR(1)");
        t("pg_opclass", "oid " + OID + ", opcmethod " + OID + ", opcname " + NAME + ", opcnamespace " + OID + ", opcowner " + OID + ","
                + " opcfamily " + OID + ", opcintype " + OID + ", opcdefault BOOLEAN, opckeytype " + OID);
        t("pg_conversion", "oid " + OID + ", conname " + NAME + ", connamespace " + OID + ", conowner " + OID + ", conforencoding INTEGER,"
                + " contoencoding INTEGER, conproc VARCHAR, condefault BOOLEAN");
        t("pg_timezone_names", "name " + TEXT + ", abbrev " + TEXT + ", utc_offset VARCHAR, is_dst BOOLEAN");
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
