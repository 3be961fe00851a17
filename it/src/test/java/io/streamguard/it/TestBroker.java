package io.streamguard.it;

import java.util.Map;

/** A real Kafka broker for one test class: a Testcontainers container or the plugin's embedded broker. */
public interface TestBroker extends AutoCloseable {

    String bootstrapServers();

    /** "testcontainers" or "embedded", for the log. */
    String kind();

    void createTopic(String topic, int partitions, Map<String, String> config);

    /** Stops the broker at once, as a crash would. */
    void kill();

    @Override
    void close();
}
