package io.streamguard.plugin.launch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class CommandLineExecutionTest {

    @Test
    void aCommandLineRunThatCannotSeeTheExecutionsBrokersIsWarnedNamingThem() {
        assertThat(CommandLineExecution.unseenBrokers("default-cli", List.of("score-prod", "score-staging")))
                .isEqualTo("The POM sets bootstrapServers inside <execution> score-prod, score-staging, which "
                        + "`mvn streamguard:run` (execution default-cli) does not see: this run uses the embedded "
                        + "broker's synthetic data. Move <bootstrapServers> to the plugin's own <configuration> "
                        + "(outside <executions>), pass -Dstreamguard.bootstrapServers=..., or invoke that execution "
                        + "by its id: mvn streamguard:run@score-prod.");
    }

    @Test
    void noWarningWithoutSuchExecutionsOrOutsideTheCommandLine() {
        assertThat(CommandLineExecution.unseenBrokers("default-cli", List.of())).isNull();
        assertThat(CommandLineExecution.unseenBrokers("score-prod", List.of("score-prod"))).isNull();
        assertThat(CommandLineExecution.unseenBrokers(null, List.of("score-prod"))).isNull();
    }
}
