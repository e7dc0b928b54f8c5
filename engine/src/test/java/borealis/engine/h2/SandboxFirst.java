package borealis.engine.h2;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Installs the engine sandbox when the test JVM starts, before any test touches H2: the sandbox
 * refuses to install once H2 has read its settings (as on a node, where BorealisNode installs it
 * first), and tests that use H2 directly could otherwise run first.
 */
public final class SandboxFirst implements LauncherSessionListener {

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        EngineSandbox.install();
    }
}
