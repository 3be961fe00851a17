package io.streamguard.pipeline.evaluate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamguard.pipeline.SparkTestSession;
import io.streamguard.pipeline.StreamGuardException;
import io.streamguard.report.Evaluation;
import io.streamguard.report.GroundTruth;
import io.streamguard.spec.Arguments;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The published references on a 70/30 held-out split: mammography 0.8636 and shuttle 0.9974 (AUROC). */
class EvaluateJobTest {

    static String odds(String name) throws URISyntaxException {
        return Path.of(EvaluateJobTest.class.getResource("/odds/" + name + ".csv").toURI()).toString();
    }

    @Test
    void mammographyHeldOut() throws Exception {
        Evaluation e = EvaluateJob.dataset(SparkTestSession.get(),
                new Arguments(Map.of("dataset", odds("mammography")), Map.of()));
        System.out.printf("mammography 70/30 held out: AUROC %.4f, AUPRC %.4f%n", e.auroc(), e.auprc());
        assertThat(e.trainFraction()).isEqualTo(0.7);
        assertThat(e.rows()).isEqualTo(3_355);          // 30 % of 11,183
        assertThat(e.auroc()).isGreaterThanOrEqualTo(0.84);
        assertThat(e.k()).isEqualTo((int) e.anomalies());
    }

    @Test
    void shuttleHeldOut() throws Exception {
        Evaluation e = EvaluateJob.dataset(SparkTestSession.get(),
                new Arguments(Map.of("dataset", odds("shuttle")), Map.of()));
        System.out.printf("shuttle 70/30 held out: AUROC %.4f, AUPRC %.4f%n", e.auroc(), e.auprc());
        assertThat(e.auroc()).isGreaterThanOrEqualTo(0.99);
    }

    @Test
    void trainAndScoreAllUsesEveryRow() throws Exception {
        Evaluation e = EvaluateJob.dataset(SparkTestSession.get(),
                new Arguments(Map.of("dataset", odds("mammography"), "split", "all"), Map.of()));
        assertThat(e.trainFraction()).isNull();
        assertThat(e.rows()).isEqualTo(11_183);
        assertThat(e.anomalies()).isEqualTo(260);
    }

    @Test
    void aMalformedCsvIsRejectedWithItsLine(@TempDir Path dir) throws Exception {
        Path csv = Files.writeString(dir.resolve("bad.csv"), "# comment\n1,2,0\n3,x,1\n");
        assertThatThrownBy(() -> EvaluateJob.readCsv(csv)).isInstanceOf(StreamGuardException.class)
                .hasMessageEndingWith("bad.csv line 3, column 2: 'x' is not a number.");
        Path label = Files.writeString(dir.resolve("label.csv"), "1,2,0\n3,4,2\n");
        assertThatThrownBy(() -> EvaluateJob.readCsv(label))
                .hasMessageContaining("the label (last column) must be 0 or 1, was 2");
    }

    @Test
    void groundTruthRanksEachBehaviourAgainstNormalUsers() {
        GroundTruth truth = new GroundTruth("test", 1, 100, 6, "a", "b", List.of(
                new GroundTruth.PlantedUser("a1", "brute_force"), new GroundTruth.PlantedUser("b1", "exfiltration")));
        Evaluation e = Evaluations.ofGroundTruth(List.of("a1", "b1", "n1", "n2", "n3", "n4"),
                new double[] {0.9, 0.5, 0.8, 0.4, 0.3, 0.2}, truth, 0.6, 2, Map.of());
        // a1 beats all 4 normal users, b1 beats 3 of 4: (4 + 3) / 8
        assertThat(e.auroc()).isEqualTo(7.0 / 8);
        assertThat(e.byBehaviour()).containsOnlyKeys("brute_force", "exfiltration");
        assertThat(e.byBehaviour().get("brute_force").auroc()).isEqualTo(1.0);
        assertThat(e.byBehaviour().get("exfiltration").auroc()).isEqualTo(0.75);
        assertThat(e.precisionAtK()).isEqualTo(0.5);       // top 2: a1, n1
        assertThat(e.precisionAtThreshold()).isEqualTo(0.5); // above 0.6: a1, n1
    }
}
