package borealis.engine.pg.session;

/**
 * Told when notifications wait for a session, from whichever thread committed them: the layer that
 * runs the session (its compute actor) then sends them to an idle client without waiting for a
 * query ({@link PgSession#deliverNotifications}). Must not block.
 */
@FunctionalInterface
public interface NotificationListener {

    NotificationListener NONE = () -> {};

    void notificationsQueued();
}
