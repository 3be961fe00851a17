package io.streamguard.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RunSpecTest {

    @Test
    void aMessageNamesTheSettingAsItsReaderKnowsIt() {
        RunSpec.Builder maxSamplesOfOne = RunSpec.builder().set(RunSpec.MAX_SAMPLES, 1);
        assertThatThrownBy(() -> maxSamplesOfOne.build(Setting.Naming.PROPERTY))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessage("streamguard.maxSamples must be at least 2; was 1.");
        assertThatThrownBy(() -> maxSamplesOfOne.build(Setting.Naming.OPTION))
                .hasMessage("--max-samples must be at least 2; was 1.");
    }

    @Test
    void theArgumentsCarryEveryValueGivenOrDefaultedAndReadBackTheSame() {
        RunSpec spec = RunSpec.builder().set(RunSpec.BOOTSTRAP_SERVERS, "b:1").set(RunSpec.OUTPUT, "/tmp/o")
                .set(RunSpec.MAX_SAMPLES, 64).set(RunSpec.MAX_RECORD_BYTES, 4096)
                .set(RunSpec.UNTIL, "2026-01-02T00:00:00Z").build(Setting.Naming.PROPERTY);
        List<String> args = spec.toArguments();
        assertThat(args).containsSubsequence("--max-samples", "64").containsSubsequence("--max-record-bytes", "4096")
                .containsSubsequence("--contamination", "0.1").containsSubsequence("--topic", "security-events")
                .doesNotContain("--master", "--ground-truth");
        RunSpec read = RunSpec.fromArguments(Arguments.parse(args.toArray(String[]::new), RunSpec.OPTIONS, Set.of(),
                "usage"), "usage");
        for (Setting<?> setting : RunSpec.SETTINGS) {
            assertThat((Object) read.get(setting)).as(setting.option()).isEqualTo(spec.get(setting));
        }
    }

    @Test
    void withChecksTheValueItSets() {
        RunSpec spec = RunSpec.builder().build(Setting.Naming.OPTION);
        assertThat(spec.with(RunSpec.TOPIC, "other").get(RunSpec.TOPIC)).isEqualTo("other");
        assertThat(spec.get(RunSpec.TOPIC)).isEqualTo("security-events");
        assertThatThrownBy(() -> spec.with(RunSpec.TOPIC, "../x")).hasMessageContaining("--topic '../x' is not");
    }

    @Test
    void theUsageListsEveryOptionWithItsDefault() {
        String usage = RunSpec.usageLines();
        for (Setting<?> setting : RunSpec.SETTINGS) {
            if (setting != RunSpec.BOOTSTRAP_SERVERS && setting != RunSpec.OUTPUT) {
                assertThat(usage).contains("--" + setting.option() + " ");
            }
        }
        assertThat(usage).contains("--max-record-bytes N", "(default 524288)", "(default 0.1)");
    }

    @Test
    void theCommandLineRefusesWhatItDoesNotKnow() {
        assertThatThrownBy(() -> Arguments.parse(new String[] {"--seed", "1", "--seed", "2"}, Set.of("seed"),
                Set.of(), "u")).hasMessage("Option --seed was given twice.");
        assertThatThrownBy(() -> Arguments.parse(new String[] {"--seed"}, Set.of("seed"), Set.of(), "u"))
                .hasMessage("Option --seed needs a value.\nu");
        assertThatThrownBy(() -> Arguments.parse(new String[] {"stray"}, Set.of(), Set.of(), "u"))
                .hasMessage("Unexpected argument(s) [stray].\nu");
        assertThat(Arguments.parse(new String[] {"--conf", "a=1", "--conf=b=2"}, Set.of(), Set.of("conf"), "u")
                .all("conf")).containsExactly("a=1", "b=2");
    }

    @Test
    void userErrorsAreTheCodesTheUserCanFix() {
        assertThat(List.of(2, 3, 4, 5, 124)).allMatch(JobProtocol::isUserError);
        assertThat(List.of(0, 1, 7, 137)).noneMatch(JobProtocol::isUserError);
        assertThat(JobProtocol.errorMessage(JobProtocol.errorLine("no topic"))).isEqualTo("no topic");
        assertThat(JobProtocol.errorMessage("[job] INFO ...")).isNull();
    }
}
