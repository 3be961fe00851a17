package io.streamguard.plugin;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** Versions fixed when the plugin was built: what its forked JVMs resolve and run. */
public record PluginVersions(
        String streamguardGroupId,
        String streamguardVersion,
        String sparkVersion,
        String scalaBinaryVersion,
        String sparkJacksonVersion,
        String jobKafkaClientsVersion,
        String sparkSlf4jVersion,
        String kafkaBrokerVersion,
        String brokerLog4jVersion) {

    public static PluginVersions load() {
        Properties p = new Properties();
        try (InputStream in = PluginVersions.class.getResourceAsStream("/streamguard-plugin.properties")) {
            if (in == null) {
                throw new IllegalStateException("streamguard-plugin.properties is missing from the plugin jar");
            }
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new PluginVersions(p.getProperty("streamguard.groupId"), p.getProperty("streamguard.version"),
                p.getProperty("spark.version"), p.getProperty("scala.binary.version"),
                p.getProperty("spark.jackson.version"), p.getProperty("job.kafka-clients.version"), p.getProperty("spark.slf4j.version"),
                p.getProperty("kafka.broker.version"), p.getProperty("broker.log4j.version"));
    }
}
