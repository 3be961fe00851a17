package io.streamguard.plugin.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamguard.spec.SecretsBlock;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretsTest {

    static final Map<String, String> ENV = Map.of("KAFKA_JAAS", "jaas with password=\"hunter2\"", "PW", "hunter3");

    @TempDir
    Path temp;

    @Test
    void envValuesAreResolvedByThePluginAndAMissingVariableIsNamedWithoutAValue() {
        assertThat(Secrets.resolve("x", "env:KAFKA_JAAS", ENV::get)).isEqualTo("jaas with password=\"hunter2\"");
        assertThat(Secrets.resolve("x", "plain", ENV::get)).isEqualTo("plain");
        assertThatThrownBy(() -> Secrets.resolve("kafkaProperties sasl.jaas.config", "env:NOPE", ENV::get))
                .hasMessage("kafkaProperties sasl.jaas.config names the environment variable 'NOPE', which is not set "
                        + "in Maven's environment. Export it before running Maven.");
        assertThat(Secrets.resolveJvmArgs(List.of("-Xmx1g", "-Da.password=env:PW"), ENV::get))
                .containsExactly("-Xmx1g", "-Da.password=hunter3");
    }

    @Test
    void thePropertiesFileIsReadByThePluginAndThePomWinsOverIt() throws IOException {
        Path file = Files.writeString(temp.resolve("kafka.properties"),
                "security.protocol=SSL\nssl.truststore.password=env:PW\n");
        assertThat(Secrets.kafkaProperties(file, Map.of("security.protocol", "SASL_SSL"), ENV::get))
                .containsExactly(Map.entry("security.protocol", "SASL_SSL"), Map.entry("ssl.truststore.password", "hunter3"));
        assertThatThrownBy(() -> Secrets.kafkaProperties(temp.resolve("missing"), Map.of(), ENV::get))
                .hasMessageStartingWith("streamguard.kafkaPropertiesFile " + temp.resolve("missing") + " cannot be read");
    }

    @Test
    void theStdinBlockCarriesEverySecretKindToTheJob() {
        String block = Secrets.stdinBlock(Map.of("sasl.jaas.config", "jaas with password=\"hunter2\"\nsecond line"),
                Map.of("spark.ssl.keyPassword", "hunter3"), List.of("-Dstreamguard.secrets.test.password=hunter4"));
        ByteArrayInputStream stdin = new ByteArrayInputStream(
                (block + "the pipe stays open after the block\n").getBytes(StandardCharsets.UTF_8));
        SecretsBlock read = SecretsBlock.read(stdin);
        assertThat(read.kafka()).containsExactly(
                Map.entry("sasl.jaas.config", "jaas with password=\"hunter2\"\nsecond line"));
        assertThat(read.spark()).containsExactly(Map.entry("spark.ssl.keyPassword", "hunter3"));
        assertThat(read.system()).containsExactly(Map.entry("streamguard.secrets.test.password", "hunter4"));
        assertThat(new String(stdin.readAllBytes(), StandardCharsets.UTF_8))
                .as("what follows the block is left for the parent watch").isEqualTo("the pipe stays open after the block\n");
    }

    @Test
    void onlyDashDOptionsWithSecretLookingKeysLeaveTheCommandLine() {
        assertThat(Secrets.isSecretSystemProperty("-Djavax.net.ssl.keyStorePassword=x")).isTrue();
        assertThat(Secrets.isSecretSystemProperty("-Dapi.token=x")).isTrue();
        assertThat(Secrets.isSecretSystemProperty("-Dspark.ui.enabled=false")).isFalse();
        assertThat(Secrets.isSecretSystemProperty("-Xmx4g")).isFalse();
    }
}
