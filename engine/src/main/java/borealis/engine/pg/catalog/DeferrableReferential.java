package borealis.engine.pg.catalog;

import java.lang.reflect.Field;
import java.util.List;
import org.h2.constraint.ConstraintActionType;
import org.h2.constraint.ConstraintReferential;
import org.h2.engine.SessionLocal;
import org.h2.result.Row;
import org.h2.table.IndexColumn;
import org.h2.table.Table;
import org.h2.value.Value;
import org.h2.value.ValueNull;

/**
 * A DEFERRABLE foreign key in H2, which checks every foreign key on each row: the same constraint
 * (H2 keeps and drops it as any other), except that while its session defers it
 * ({@link DeferredConstraints}) a change is not checked but remembered, by the key it leaves
 * unproven, and proven at COMMIT. PostgreSQL defers only the NO ACTION check: ON DELETE or UPDATE
 * CASCADE, SET NULL and SET DEFAULT act at once, and so they do here (H2 cannot tell RESTRICT
 * from NO ACTION: both are deferred).
 */
final class DeferrableReferential extends ConstraintReferential {

    private DeferrableReferential(ConstraintReferential of) {
        super(of.getSchema(), of.getId(), of.getName(), of.getTable());
    }

    /** A copy of {@code of} that defers; it takes {@code of}'s place wherever H2 holds {@code of}. */
    static DeferrableReferential copyOf(ConstraintReferential of) {
        DeferrableReferential d = new DeferrableReferential(of);
        d.setColumns(of.getColumns());
        d.setRefColumns(of.getRefColumns());
        d.setRefTable(of.getRefTable());
        d.setIndex(of.getIndex(), ownsIndex(of));
        d.setRefConstraint(of.getReferencedConstraint());
        d.setDeleteAction(of.getDeleteAction());
        d.setUpdateAction(of.getUpdateAction());
        d.setComment(of.getComment());
        return d;
    }

    /**
     * Whether H2 made the constraint's index for it (and drops it with it). H2 does not say, and an
     * index of another constraint (the primary key of a one-to-one table) must not go with this one.
     */
    private static boolean ownsIndex(ConstraintReferential of) {
        try {
            Field f = ConstraintReferential.class.getDeclaredField("indexOwner");
            f.setAccessible(true);
            return f.getBoolean(of);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("H2's foreign keys changed: " + e, e);
        }
    }

    @Override
    public void checkRow(SessionLocal session, Table t, Row oldRow, Row newRow) {
        DeferredConstraints.Checks checks = DeferredConstraints.deferring(session, this);
        if (checks == null || !getTable().getCheckForeignKeyConstraints() || !getRefTable().getCheckForeignKeyConstraints()) {
            super.checkRow(session, t, oldRow, newRow);
            return;
        }
        Table child = getTable();
        if (t == getRefTable() && oldRow != null) {
            ConstraintActionType action = newRow == null ? getDeleteAction() : getUpdateAction();
            if (action != ConstraintActionType.RESTRICT) { // H2 2.3 has one word for NO ACTION and RESTRICT
                super.checkRow(session, t, oldRow, newRow);
                return;
            }
            List<Value> was = key(session, oldRow, getRefColumns(), true);
            if (was != null && (newRow == null || !was.equals(key(session, newRow, getRefColumns(), true)))) {
                checks.add(this, was, false);
            }
        }
        if (t == child && newRow != null) {
            List<Value> now = key(session, newRow, getColumns(), false);
            if (now != null && (oldRow == null || !now.equals(key(session, oldRow, getColumns(), false)))) {
                checks.add(this, now, true);
            }
        }
    }

    /**
     * The foreign key's value in {@code row}, as the referencing columns hold it (a parent's key is
     * converted to them), or null when a part is NULL: such a row refers to nothing.
     */
    private List<Value> key(SessionLocal session, Row row, IndexColumn[] of, boolean convert) {
        IndexColumn[] childColumns = getColumns();
        Value[] out = new Value[of.length];
        for (int i = 0; i < of.length; i++) {
            Value v = row.getValue(of[i].column.getColumnId());
            if (v == ValueNull.INSTANCE) {
                return null;
            }
            out[i] = convert ? childColumns[i].column.convert(session, v) : v;
        }
        return List.of(out);
    }
}
