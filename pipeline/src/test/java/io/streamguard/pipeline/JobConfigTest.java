package io.streamguard.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamguard.pipeline.plan.Take;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class JobConfigTest {

    @Test
    void defaultsMatchTheDocumentedOnes() {
        JobConfig c = JobConfig.parse(new String[] {"--bootstrap-servers", "localhost:9092", "--output", "/tmp/out"});
        assertThat(c.topic()).isEqualTo("security-events");
        assertThat(c.maxEvents()).isEqualTo(10_000);
        assertThat(c.take()).isEqualTo(Take.NEWEST);
        assertThat(c.from()).isNull();
        assertThat(c.contamination()).isEqualTo(0.1);
        assertThat(c.numTrees()).isEqualTo(100);
        assertThat(c.maxSamples()).isEqualTo(256);
        assertThat(c.kafkaTimeout().toMillis()).isEqualTo(30_000);
        assertThat(c.modeDescription()).isEqualTo("newest");
        assertThat(c.maxQuarantineBytes()).isEqualTo(100L * 1024 * 1024);
        assertThat(c.isolationLevel()).isEqualTo("read_committed");
    }

    @Test
    void theQuarantineCapAndTheIsolationLevelAreChecked() {
        JobConfig c = JobConfig.parse(new String[] {"--bootstrap-servers=b:1", "--output=o",
            "--max-quarantine-bytes=-1", "--kafka-property", "isolation.level=read_uncommitted"});
        assertThat(c.maxQuarantineBytes()).isEqualTo(-1);
        assertThat(c.isolationLevel()).isEqualTo("read_uncommitted");
        assertThatThrownBy(() -> JobConfig.parse(new String[] {"--bootstrap-servers=b:1", "--output=o",
            "--max-quarantine-bytes=-2"})).hasMessageContaining("--max-quarantine-bytes must be 0 or more");
        assertThatThrownBy(() -> JobConfig.parse(new String[] {"--bootstrap-servers=b:1", "--output=o",
            "--kafka-property", "isolation.level=serializable"}))
                .hasMessageContaining("isolation.level must be read_committed or read_uncommitted");
        assertThatThrownBy(() -> JobConfig.parse(new String[] {"--bootstrap-servers=b:1", "--output=o",
            "--kafka-property", "auto.offset.reset=earliest"}))
                .hasMessageStartingWith("Kafka property auto.offset.reset cannot be set: the read chooses its offsets");
        // A client.properties with other brokers: the plan and the read would ask different clusters.
        assertThatThrownBy(() -> JobConfig.parse(new String[] {"--bootstrap-servers=b:1", "--output=o",
            "--kafka-property", "bootstrap.servers=other:9092"}))
                .hasMessageStartingWith("Kafka property bootstrap.servers (other:9092) differs from the run's brokers "
                        + "(b:1,");
        assertThat(JobConfig.parse(new String[] {"--bootstrap-servers=b:1", "--output=o",
            "--kafka-property", "bootstrap.servers= b:1"}).kafkaProperties()).containsKey("bootstrap.servers");
        assertThatThrownBy(() -> JobConfig.parse(new String[] {"--bootstrap-servers=b:1", "--output=o",
            "--kafka-timeout-ms=10000", "--kafka-property", "fetch.max.wait.ms=60000"}))
                .hasMessageStartingWith("Kafka property fetch.max.wait.ms (60000) must be below the Kafka timeout "
                        + "(10000 ms");
        assertThatThrownBy(() -> JobConfig.parse(new String[] {"--bootstrap-servers=b:1", "--output=o",
            "--kafka-property", "max.poll.records=0"}))
                .hasMessageStartingWith("Kafka properties: Invalid value 0 for configuration max.poll.records");
        assertThatThrownBy(() -> JobConfig.parse(new String[] {"--bootstrap-servers=b:1", "--output=o",
            "--kafka-property", "ssl.keystore.password.x=hunter2", "--kafka-property", "fetch.min.bytes=hunter2"}))
                .hasMessageContaining("fetch.min.bytes")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void timeRangeAndKafkaPropertiesAreParsed() {
        JobConfig c = JobConfig.parse(new String[] {
            "--bootstrap-servers=b:1", "--output=o", "--start-from", "2026-01-01T00:00:00Z",
            "--until", "2026-01-02T00:00:00Z", "--max-events", "-1",
            "--kafka-property", "security.protocol=SASL_PLAINTEXT",
            "--kafka-property", "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required "
                    + "username=\"u\" password=\"hunter2\";"});
        assertThat(c.from()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
        assertThat(c.until()).isEqualTo(Instant.parse("2026-01-02T00:00:00Z"));
        assertThat(c.take()).isEqualTo(Take.OLDEST);
        assertThat(c.modeDescription()).isEqualTo("time_range");
        assertThat(c.kafkaProperties()).containsEntry("security.protocol", "SASL_PLAINTEXT");
        assertThat(c.toString()).doesNotContain("hunter2").doesNotContain("SASL_PLAINTEXT")
                .contains("kafkaProperties=[sasl.jaas.config, security.protocol]");
    }

    @Test
    void badValuesFailWithTheOptionNameAndWhatItAccepts() {
        assertThatThrownBy(() -> JobConfig.parse(new String[] {"--output", "o"}))
                .isInstanceOf(StreamGuardException.class)
                .hasMessageContaining("Missing required option --bootstrap-servers")
                .extracting(e -> ((StreamGuardException) e).exitCode()).isEqualTo(StreamGuardException.EXIT_BAD_CONFIG);
        assertThatThrownBy(() -> parseWith("--start-from", "yesterday"))
                .hasMessageContaining("--start-from 'yesterday' is not 'newest', 'oldest' or an ISO-8601 instant");
        assertThatThrownBy(() -> parseWith("--max-events", "-5"))
                .hasMessageContaining("--max-events must be a positive number of events, or -1 for everything in "
                        + "range; was -5.");
        assertThatThrownBy(() -> parseWith("--max-events", "0"))
                .hasMessageContaining("--max-events must be a positive number of events, or -1 for everything in "
                        + "range; was 0.");
        assertThatThrownBy(() -> parseWith("--contamination", "0.9"))
                .hasMessageContaining("--contamination must be in (0, 0.5)");
        // Both are what LinkedIn's forest rejects: accepted, a run failed or passed depending on its user count.
        assertThatThrownBy(() -> parseWith("--contamination", "0.5"))
                .hasMessageContaining("--contamination must be in (0, 0.5)").hasMessageContaining("rejects 0.5");
        assertThatThrownBy(() -> parseWith("--seed", "0")).hasMessageContaining("--seed must be at least 1");
        assertThatThrownBy(() -> parseWith("--seed", "-5")).hasMessageContaining("--seed must be at least 1");
        assertThatThrownBy(() -> parseWith("--topic", "bad topic"))
                .hasMessageContaining("is not a valid Kafka topic name");
        assertThatThrownBy(() -> parseWith("--frobnicate", "1")).hasMessageContaining("Unknown option(s) [frobnicate]");
        assertThatThrownBy(() -> parseWith("--start-from", "2026-01-02T00:00:00Z", "--until", "2026-01-01T00:00:00Z"))
                .hasMessageContaining("must be after --start-from");
        assertThatThrownBy(() -> parseWith("--kafka-property", "password-without-key"))
                .hasMessageContaining("KEY=VALUE").hasMessageNotContaining("password-without-key");
    }

    private static JobConfig parseWith(String... extra) {
        String[] args = new String[extra.length + 4];
        args[0] = "--bootstrap-servers";
        args[1] = "b:1";
        args[2] = "--output";
        args[3] = "o";
        System.arraycopy(extra, 0, args, 4, extra.length);
        return JobConfig.parse(args);
    }

    @Test
    void secretsComeFromStandardInputUpToTheirEndLineAndNeverShow() {
        String block = "kafka.sasl.jaas.config=PlainLoginModule required password\\=\"hunter2\";\n"
                // Resolved from env: by the plugin: a secret whatever its name.
                + "kafka.client.id=hunter5\n"
                + "spark.ssl.keyPassword=hunter3\n"
                + "system.streamguard.test.trustStorePassword=hunter4\n"
                + JobConfig.END_OF_SECRETS + "\n"
                + "what follows is the parent's pipe, not secrets\n";
        JobConfig c = JobConfig.parse(new String[] {"--bootstrap-servers", "b:1", "--output", "o", "--secrets", "stdin",
            "--exit-with-parent", "true"}, new java.io.ByteArrayInputStream(
                block.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertThat(c.kafkaProperties()).containsEntry("sasl.jaas.config", "PlainLoginModule required password=\"hunter2\";");
        assertThat(c.sparkConf()).containsEntry("spark.ssl.keyPassword", "hunter3").hasSize(1);
        assertThat(System.getProperty("streamguard.test.trustStorePassword")).isEqualTo("hunter4");
        assertThat(c.exitWithParent()).isTrue();
        assertThat(c.toString()).doesNotContain("hunter").contains("kafkaProperties=[client.id, sasl.jaas.config]");
    }

    @Test
    void aSecretOfUnknownKindIsRefusedByNameOnly() {
        assertThatThrownBy(() -> JobConfig.parse(new String[] {"--bootstrap-servers", "b:1", "--output", "o",
            "--secrets", "stdin"}, new java.io.ByteArrayInputStream("password=hunter2\n".getBytes())))
                .hasMessageContaining("'password' starts with neither kafka., spark. nor system.")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter2"));
    }
}
