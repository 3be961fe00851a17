package io.streamguard.plugin.embedded;

import io.streamguard.plugin.Console;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Produces synthetic events into a topic, keyed by user, with the event's own timestamp as the record timestamp
 * (so time-range reads find them), batched and lz4-compressed, logging progress every two seconds.
 */
public final class TopicSeeder {

    private TopicSeeder() {
    }

    /** @return events produced */
    public static long seed(String bootstrapServers, Map<String, String> kafkaProperties, String topic,
                            SyntheticEvents events, Console console) {
        Properties props = new Properties();
        props.putAll(kafkaProperties);
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        long total = events.config().events();
        long start = System.nanoTime();
        long[] produced = {0};
        long[] lastReport = {start};
        AtomicReference<Exception> failure = new AtomicReference<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            events.forEach(e -> {
                if (failure.get() != null) {
                    return;
                }
                producer.send(new ProducerRecord<>(topic, null, e.timestamp(),
                        e.user().getBytes(StandardCharsets.UTF_8), e.json().getBytes(StandardCharsets.UTF_8)),
                        (metadata, exception) -> {
                            if (exception != null) {
                                failure.compareAndSet(null, exception);
                            }
                        });
                produced[0]++;
                long now = System.nanoTime();
                if (now - lastReport[0] > 2_000_000_000L) {
                    lastReport[0] = now;
                    console.info(String.format("Seeding '%s': %,d/%,d events (%,.0f events/s)", topic, produced[0],
                            total, produced[0] / ((now - start) / 1e9)));
                }
            });
            producer.flush();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("Seeding topic " + topic + " failed: " + failure.get().getMessage(),
                    failure.get());
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        console.info(String.format("Seeded '%s' with %,d synthetic events in %.1f s (%,.0f events/s)", topic,
                produced[0], seconds, produced[0] / Math.max(seconds, 1e-9)));
        return produced[0];
    }
}
