package io.streamguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamguard.plugin.PluginVersions;
import io.streamguard.plugin.StandaloneResolver;
import io.streamguard.plugin.launch.RunRequest;
import io.streamguard.plugin.launch.StreamGuardRunner;
import io.streamguard.report.Evaluation;
import io.streamguard.spec.RunSpec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Detection quality on synthetic events with ground truth: each planted behaviour alone, and all of them mixed at
 * several shares of planted users. Every scenario is a real run as users run it by default (embedded broker,
 * the newest 10,000 of 200,000 events: about 20 events per user) whose users are scored against the planted ones.
 */
class DetectionQualityIT {

    static final List<String> TABLE = new ArrayList<>();

    static Stream<Arguments> scenarios() {
        return Stream.of(
                Arguments.of("brute_force", 0.05), Arguments.of("off_hours", 0.05),
                Arguments.of("exfiltration", 0.05), Arguments.of("new_countries", 0.05),
                Arguments.of("suspicious_process", 0.05),
                Arguments.of("", 0.02), Arguments.of("", 0.05), Arguments.of("", 0.10));
    }

    @ParameterizedTest(name = "{0} at {1}")
    @MethodSource("scenarios")
    void plantedUsersRankAboveNormalOnes(String behaviour, double share) throws IOException {
        String name = (behaviour.isEmpty() ? "mixed" : behaviour) + "-" + (int) Math.round(share * 100);
        Path base = Path.of("target", "quality", name).toAbsolutePath();
        RunRequest request = RunRequest.builder().outputDirectory(base.resolve("out")).set(RunSpec.MASTER, "local[2]")
                .jvmArgs(List.of("-Xmx1g")).embeddedEvents(200_000).workDirectory(base.resolve("work"))
                .embeddedAnomalousShare(share).embeddedBehaviours(behaviour.isEmpty() ? List.of() : List.of(behaviour))
                .build();
        new StreamGuardRunner(StandaloneResolver.create(), PluginVersions.load(), StandaloneResolver.console())
                .run(request);
        Evaluation e;
        try (InputStream in = Files.newInputStream(base.resolve("out").resolve(Evaluation.FILE))) {
            e = Evaluation.read(in);
        }
        TABLE.add(String.format(Locale.ROOT, "| %s | %.0f %% | %d of %d | %.4f | %.4f | %.4f |%s",
                behaviour.isEmpty() ? "all five, mixed" : behaviour, share * 100, e.anomalies(), e.rows(), e.auroc(),
                e.auprc(), e.precisionAtK(), e.byBehaviour() == null || behaviour.length() > 0 ? ""
                        : " " + e.byBehaviour()));
        assertThat(e.anomalies()).isPositive();
        assertThat(e.auroc()).as("AUROC of %s", name).isGreaterThanOrEqualTo(0.95); // lowest measured: 0.979
    }

    @AfterAll
    static void printTable() {
        System.err.println("| planted behaviour | share of users | planted | AUROC | AUPRC | precision@k |");
        TABLE.forEach(System.err::println);
    }
}
