package io.streamguard.plugin.mojo;

import io.streamguard.plugin.Console;
import org.apache.maven.plugin.logging.Log;

/** Services report through Maven's log. */
final class MavenConsole implements Console {

    private final Log log;

    MavenConsole(Log log) {
        this.log = log;
        quietKafkaClients();
    }

    /**
     * Kafka's clients log their whole configuration at INFO through SLF4J, which Maven prints. Maven's SLF4J
     * provider reads per-logger levels from system properties when a logger is created, so setting one before the
     * first client exists keeps the build log readable; a user's own setting wins.
     */
    static void quietKafkaClients() {
        String key = "org.slf4j.simpleLogger.log.org.apache.kafka";
        if (System.getProperty(key) == null) {
            System.setProperty(key, "warn");
        }
    }

    @Override
    public void info(String message) {
        log.info(message);
    }

    @Override
    public void warn(String message) {
        log.warn(message);
    }

    @Override
    public void error(String message) {
        log.error(message);
    }

    @Override
    public void debug(String message) {
        log.debug(message);
    }
}
