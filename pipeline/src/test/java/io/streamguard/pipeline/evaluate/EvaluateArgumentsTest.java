package io.streamguard.pipeline.evaluate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamguard.spec.InvalidSettingException;
import io.streamguard.spec.RunSpec;
import org.junit.jupiter.api.Test;

/** The evaluation's command line is read by the run's parser: bad input is a user error (exit 2), not a crash. */
class EvaluateArgumentsTest {

    @Test
    void badValuesAreRefusedByNameBeforeSparkStarts() {
        assertThatThrownBy(() -> EvaluateJob.arguments(new String[] {"--output", "o", "--num-trees", "many"}))
                .isInstanceOf(InvalidSettingException.class).hasMessage("--num-trees must be a whole number; was 'many'.");
        assertThatThrownBy(() -> EvaluateJob.arguments(new String[] {"--output", "o", "--top-k", "-1"}))
                .isInstanceOf(InvalidSettingException.class).hasMessage("--top-k must be at least 0; was -1.");
        assertThatThrownBy(() -> EvaluateJob.arguments(new String[] {"--output", "o", "--frobnicate", "1"}))
                .isInstanceOf(InvalidSettingException.class).hasMessageStartingWith("Unknown option(s) [frobnicate]");
    }

    @Test
    void theSettingsItSharesWithARunHaveTheRunsDefaults() {
        var o = EvaluateJob.arguments(new String[] {"--output", "o"});
        assertThat(o.get(RunSpec.NUM_TREES)).isEqualTo(100);
        assertThat(o.get(RunSpec.MAX_SAMPLES)).isEqualTo(256);
        assertThat(o.get(RunSpec.CONTAMINATION)).isEqualTo(0.1);
        assertThat(o.get(RunSpec.SEED)).isEqualTo(42);
        assertThat(o.get(EvaluateJob.TOP_K)).isZero();
    }
}
