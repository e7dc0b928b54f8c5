package borealis.actors.proxy;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * The proxy's limits ({@code borealis.proxy} in reference.conf, where each is explained): what a
 * connection may send, how long it may take to authenticate, how many connections the node holds
 * at each stage, and how much of a session's input may wait unprocessed.
 */
public record ProxyConfig(int maxMessageBytes, Duration connectTimeout, Duration authenticationTimeout, int maxConnections,
                          int maxAuthenticating, int maxAuthenticatingPerSource, long maxQueuedInputBytes, int maxQueuedInputMessages,
                          Duration resendAfter) {

    public static ProxyConfig from(Config proxy) {
        return new ProxyConfig((int) Math.min(Integer.MAX_VALUE - 5, proxy.getBytes("max-message-bytes")),
                proxy.getDuration("connect-timeout"),
                proxy.getDuration("authentication-timeout"),
                proxy.getInt("max-connections"),
                proxy.getInt("max-authenticating"),
                proxy.getInt("max-authenticating-per-source"),
                proxy.getBytes("max-queued-input-bytes"),
                proxy.getInt("max-queued-input-messages"),
                proxy.getDuration("resend-after"));
    }
}
