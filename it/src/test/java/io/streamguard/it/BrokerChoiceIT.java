package io.streamguard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The broker choice: container never falls back, and every refusal says what to do. */
class BrokerChoiceIT {

    @Test
    void containerWithAnImageThatIsNotThereFailsAndSaysHowToBuildIt() {
        // With an engine the image is missing; without one the engine is: either way, no fallback and no pull.
        assertThatThrownBy(() -> KafkaBrokerExtension.choose("container", "streamguard/kafka:no-such-tag"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("streamguard.it.broker=container but ")
                .hasMessageContaining("Run it/docker/prepare.sh up")
                .hasMessageEndingWith("Or choose -Dstreamguard.it.broker=embedded.");
    }

    @Test
    void autoWithAnImageThatIsNotThereUsesTheEmbeddedBrokerAndSaysWhy() {
        KafkaBrokerExtension.Choice choice = KafkaBrokerExtension.choose("auto", "streamguard/kafka:no-such-tag");
        assertThat(choice.container()).isFalse();
        assertThat(choice.reason()).startsWith("streamguard.it.broker=auto and ");
    }

    @Test
    void embeddedIsTakenAtItsWord() {
        assertThat(KafkaBrokerExtension.choose("embedded", "")).isEqualTo(
                new KafkaBrokerExtension.Choice(false, null, "streamguard.it.broker=embedded"));
    }

    @Test
    void anUnknownChoiceIsRefused() {
        assertThatThrownBy(() -> KafkaBrokerExtension.choose("docker", ""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("streamguard.it.broker=docker is not a broker choice: use container, embedded or auto.");
    }
}
