package io.streamguard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamguard.plugin.embedded.EmbeddedKafkaBroker;
import io.streamguard.plugin.launch.JobFailedException;
import io.streamguard.plugin.embedded.SyntheticEvents;
import io.streamguard.report.AnomalyReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.kafka.KafkaContainer;

/**
 * SASL/PLAIN client settings pass through to every Kafka client of the job; the password never shows. The broker is
 * a container whose client listener requires SASL/PLAIN when the tests run on containers, else the embedded broker
 * with a SASL listener beside its plain one.
 */
class SecurityIT {

    static final String PASSWORD = "s3cr3t-pa55word-never-logged";
    /** Where clients authenticate; the only address the job gets. */
    static String saslBootstrapServers;
    static AutoCloseable broker;

    @TempDir
    Path temp;

    @BeforeAll
    static void startSaslBroker() {
        KafkaBrokerExtension.Choice choice = KafkaBrokerExtension.choice();
        Map<String, Object> producerAuth = Map.copyOf(sasl(PASSWORD));
        if (choice.container()) {
            KafkaContainer container = KafkaBrokerExtension.kafkaContainer(choice.image())
                    // The client listener (PLAINTEXT, port 9092) speaks SASL_PLAINTEXT; brokers and controller do not.
                    .withEnv("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP",
                            "BROKER:PLAINTEXT,PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT")
                    .withEnv("KAFKA_SASL_ENABLED_MECHANISMS", "PLAIN")
                    .withEnv("KAFKA_LISTENER_NAME_PLAINTEXT_PLAIN_SASL_JAAS_CONFIG",
                            "org.apache.kafka.common.security.plain.PlainLoginModule required "
                                    + "user_streamguard=\"" + PASSWORD + "\";");
            container.start();
            broker = container::stop;
            saslBootstrapServers = container.getBootstrapServers();
            KafkaBrokerExtension.createTopics(saslBootstrapServers, producerAuth,
                    List.of(new NewTopic("secured", 2, (short) 1)));
        } else {
            EmbeddedKafkaBroker embedded = EmbeddedKafkaBroker.start(KafkaBrokerExtension.brokerClasspath(),
                    Path.of("target", "brokers", "SecurityIT").toAbsolutePath(), Map.of(),
                    Map.of("streamguard", PASSWORD), io.streamguard.plugin.StandaloneResolver.console());
            broker = embedded;
            saslBootstrapServers = embedded.saslBootstrapServers();
            embedded.createTopic("secured", 2, Map.of());
        }
        System.err.println("[it] SecurityIT runs against the " + (choice.container() ? "container (" + choice.image()
                + ")" : "embedded") + " Kafka broker with SASL/PLAIN at " + saslBootstrapServers + " ("
                + choice.reason() + ")");
        List<SyntheticEvents.Event> events = Events.sorted(4_000, 5);
        Events.produce(saslBootstrapServers, producerAuth, p -> {
            for (int i = 0; i < events.size(); i++) {
                p.send(Events.record("secured", i % 2, events.get(i)));
            }
        });
    }

    @AfterAll
    static void stop() throws Exception {
        broker.close();
    }

    static Map<String, String> sasl(String password) {
        return Map.of("security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "PLAIN",
                "sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required "
                        + "username=\"streamguard\" password=\"" + password + "\";");
    }

    @Test
    void theJobAuthenticatesAndTheSecretAppearsNowhere() throws IOException {
        Jobs.Recording console = new Jobs.Recording(line -> { });
        Path out = temp.resolve("out");
        AnomalyReport r = Jobs.run(saslBootstrapServers, "secured", out,
                Jobs.Options.defaults().maxEvents(3_000).kafka(sasl(PASSWORD)), console).report();
        assertThat(r.eventsRead()).isEqualTo(3_000);
        assertThat(r.run().bootstrapServers()).isEqualTo(saslBootstrapServers);

        assertThat(console.text()).containsPattern("kafkaProperties=\\[[^\\]]*sasl\\.jaas\\.config")
                .doesNotContain(PASSWORD);
        try (Stream<Path> files = Files.walk(temp)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                if (f.toString().endsWith(".parquet")) {
                    continue; // binary, and holds no configuration
                }
                assertThat(Files.readString(f, java.nio.charset.StandardCharsets.ISO_8859_1))
                        .as("content of %s", f).doesNotContain(PASSWORD);
            }
        }
        assertThat(temp.resolve("out-work/kafka-client.properties")).doesNotExist();
    }

    @Test
    void aWrongPasswordFailsWithTheBrokersWordAndWithoutTheSecret() {
        Jobs.Recording console = new Jobs.Recording(line -> { });
        assertThatThrownBy(() -> Jobs.run(saslBootstrapServers, "secured", temp.resolve("out"),
                Jobs.Options.defaults().kafka(sasl("wrong-" + PASSWORD)), console))
                .isInstanceOf(JobFailedException.class)
                .hasMessageContaining("on " + saslBootstrapServers)
                .hasMessageContaining("Authentication failed")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(PASSWORD));
        assertThat(console.text()).doesNotContain(PASSWORD);
    }
}
