package io.streamguard.plugin.launch;

import io.streamguard.report.Evaluation;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** {@code streamguard:evaluate}: forks the pipeline's {@code EvaluateJob} and reads back {@code evaluation.json}. */
public final class EvaluationRunner {

    public static final String MAIN_CLASS = "io.streamguard.pipeline.evaluate.EvaluateJob";

    /**
     * @param dataset a labelled CSV, or null to evaluate the run in {@code outputDirectory} against {@code groundTruth}
     * @param split a share such as "0.7", or "all"
     */
    public record Request(Path dataset, Path groundTruth, String split, long seed, double contamination, int numTrees,
                          int topK, Path outputDirectory, Path workDirectory, String master, List<String> jvmArgs) {

        /**
         * Where the evaluation is written. A run's evaluation stays beside its report, tied to it by its
         * {@code run_id}; a dataset's goes to {@code evaluations/<dataset name>/}, so that it never replaces the run's
         * (which {@code verify-report}'s quality gates read).
         */
        public Path evaluationDirectory() {
            if (dataset == null) {
                return outputDirectory;
            }
            String name = dataset.getFileName().toString().replaceFirst("\\.[^.]*$", "");
            // A name of dots ("...csv" gives "..") would lead out of evaluations/, onto the run's own evaluation.
            return outputDirectory.resolve(DATASET_EVALUATIONS).resolve(name.matches("\\.*") ? "dataset" : name);
        }

        /** The evaluation file this request writes. */
        public Path evaluationFile() {
            return evaluationDirectory().resolve(Evaluation.FILE);
        }
    }

    /** Directory of dataset evaluations, inside the output directory. */
    public static final String DATASET_EVALUATIONS = "evaluations";

    private final StreamGuardRunner runner;

    public EvaluationRunner(StreamGuardRunner runner) {
        this.runner = runner;
    }

    public Evaluation run(Request r) {
        List<String> args = new ArrayList<>();
        if (r.dataset() != null) {
            args.addAll(List.of("--dataset", r.dataset().toAbsolutePath().toString(), "--split", r.split()));
        } else {
            args.addAll(List.of("--run-output", r.outputDirectory().toAbsolutePath().toString(),
                    "--ground-truth", r.groundTruth().toAbsolutePath().toString()));
        }
        args.addAll(List.of("--output", r.evaluationDirectory().toAbsolutePath().toString(),
                "--seed", Long.toString(r.seed()), "--contamination", Double.toString(r.contamination()),
                "--num-trees", Integer.toString(r.numTrees()), "--top-k", Integer.toString(r.topK()),
                "--master", r.master()));
        try {
            runner.launcher().forkSparkMain(MAIN_CLASS, "streamguard-evaluate", runner.jobClasspath(), args, r.jvmArgs(), 0,
                    r.workDirectory());
            try (InputStream in = Files.newInputStream(r.evaluationFile())) {
                return Evaluation.read(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run or read the evaluation in " + r.evaluationDirectory(), e);
        }
    }

    /** The lines a user reads. */
    public static List<String> summary(Evaluation e, Path file) {
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "Evaluation (%s%s): %d rows, %d anomalies", e.source(),
                e.dataset() == null ? "" : " " + e.dataset(),
                e.rows(), e.anomalies()) + (e.trainFraction() == null ? ", fitted and scored on all rows"
                        : String.format(Locale.ROOT, ", scored on the %.0f %% held out", 100 * (1 - e.trainFraction()))));
        lines.add(String.format(Locale.ROOT, "AUROC %s, AUPRC %s", fmt(e.auroc()), fmt(e.auprc())));
        lines.add(String.format(Locale.ROOT, "At the threshold %s: precision %s, recall %s", fmt(e.threshold()),
                fmt(e.precisionAtThreshold()), fmt(e.recallAtThreshold())));
        lines.add(String.format(Locale.ROOT, "In the top %d: precision %s, recall %s", e.k(), fmt(e.precisionAtK()),
                fmt(e.recallAtK())));
        if (e.byBehaviour() != null) {
            e.byBehaviour().forEach((b, s) -> lines.add(String.format(Locale.ROOT, "  %-20s %3d users, AUROC %s", b,
                    s.users(), fmt(s.auroc()))));
        }
        lines.add("Written to " + file);
        return lines;
    }

    private static String fmt(Double d) {
        return d == null ? "n/a" : String.format(Locale.ROOT, "%.4f", d);
    }
}
