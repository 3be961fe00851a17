package io.streamguard.plugin.launch;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class EvaluationRunnerTest {

    private static final Path OUT = Path.of("target", "streamguard");

    private static EvaluationRunner.Request request(Path dataset, Path groundTruth) {
        return new EvaluationRunner.Request(dataset, groundTruth, "0.7", 42, 0.1, 100, 0, OUT,
                Path.of("target", "streamguard-work"), "local[*]", List.of());
    }

    @Test
    void aDatasetEvaluationNeverReplacesTheRunsEvaluation() {
        assertThat(request(Path.of("data", "odds", "mammography.csv"), null).evaluationFile())
                .isEqualTo(OUT.resolve("evaluations").resolve("mammography").resolve("evaluation.json"));
        assertThat(request(Path.of("labels"), null).evaluationFile())
                .isEqualTo(OUT.resolve("evaluations").resolve("labels").resolve("evaluation.json"));
        // "...csv" would be ".." without its extension: evaluations/../evaluation.json is the run's own file.
        assertThat(request(Path.of("data", "...csv"), null).evaluationFile())
                .isEqualTo(OUT.resolve("evaluations").resolve("dataset").resolve("evaluation.json"));
    }

    @Test
    void aRunsEvaluationStaysBesideItsReport() {
        assertThat(request(null, OUT.resolve("ground_truth.json")).evaluationFile())
                .isEqualTo(OUT.resolve("evaluation.json"));
    }
}
