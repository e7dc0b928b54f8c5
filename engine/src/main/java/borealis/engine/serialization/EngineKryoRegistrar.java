package borealis.engine.serialization;

import borealis.engine.insights.TopSql;
import borealis.engine.pg.session.PgSession;
import borealis.persistence.serialization.KryoRegistrar;

/** Kryo ids 400-469: the engine's types that travel between nodes. Append only: ids are persisted. */
public final class EngineKryoRegistrar implements KryoRegistrar {

    @Override
    public void register(Registration r) {
        // A session moving with its compute instance (400-409).
        r.add(400, PgSession.Handover.class);
        r.add(401, PgSession.NamedStatement.class);
        // Performance insights (450-459).
        r.add(450, TopSql.Entry.class);
        r.add(451, TopSql.Order.class);
    }
}
