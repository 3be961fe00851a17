package io.streamguard.plugin.mojo;

import io.streamguard.plugin.launch.EvaluationRunner;
import io.streamguard.plugin.launch.JobFailedException;
import io.streamguard.plugin.launch.RunRequest;
import io.streamguard.plugin.launch.Secrets;
import io.streamguard.report.Evaluation;
import io.streamguard.spec.InvalidSettingException;
import io.streamguard.spec.Redaction;
import io.streamguard.spec.RunSpec;
import io.streamguard.spec.Setting;
import java.io.File;
import java.util.List;
import javax.inject.Inject;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.eclipse.aether.RepositorySystem;

/**
 * Measures detection quality and writes {@code evaluation.json}: AUROC, AUPRC, precision and
 * recall at the contamination threshold and in the top k. Either on a labelled CSV ({@link #dataset}: numeric
 * features, label last, {@code #} comments), fitted on a seeded {@link #evalSplit} share and scored on the rest; or
 * on a finished {@code streamguard:run} against {@link #groundTruth}. The detector runs in a forked Spark JVM.
 *
 * <p>A run's evaluation is written beside its report ({@code <outputDirectory>/evaluation.json}, with the run's
 * {@code run_id}); a dataset's to {@code <outputDirectory>/evaluations/<dataset name>/evaluation.json}, so that it
 * never replaces the run's, which {@code verify-report}'s quality gates read.
 */
@Mojo(name = "evaluate", aggregator = true, threadSafe = true,
        defaultPhase = LifecyclePhase.INTEGRATION_TEST)
public class EvaluateMojo extends AbstractForkingMojo {

    /**
     * Skips the goal as Failsafe skips integration tests: {@code -DskipITs} builds and unit-tests a project without
     * measuring detection quality.
     */
    @Parameter(property = "skipITs", defaultValue = "false")
    boolean skipITs;

    /** A labelled CSV (label in the last column, 1 = anomaly, lines starting with # ignored). */
    @Parameter(property = "streamguard.dataset")
    File dataset;

    /** The ground truth of a finished run's synthetic events; the run's outputs are read from outputDirectory. */
    @Parameter(property = "streamguard.groundTruth")
    File groundTruth;

    /** Share of the dataset's rows the forest is fitted on (the rest are scored), or {@code all}. */
    @Parameter(property = "streamguard.evalSplit", defaultValue = "0.7")
    String evalSplit;

    /** Split and forest seed. */
    @Parameter(property = "streamguard.seed", defaultValue = RunSpec.DEFAULT_SEED)
    long seed;

    /** Expected anomaly share: sets the threshold precision and recall are measured at. */
    @Parameter(property = "streamguard.contamination", defaultValue = RunSpec.DEFAULT_CONTAMINATION)
    double contamination;

    /** Isolation trees. */
    @Parameter(property = "streamguard.numTrees", defaultValue = RunSpec.DEFAULT_NUM_TREES)
    int numTrees;

    /** Top-k cut; 0 means the number of labelled anomalies. */
    @Parameter(property = "streamguard.topK", defaultValue = "0")
    int topK;

    /** Spark master of the evaluation. */
    @Parameter(property = "streamguard.master", defaultValue = RunRequest.DEFAULT_MASTER)
    String master;

    @Inject
    public EvaluateMojo(RepositorySystem repositorySystem) {
        super(repositorySystem);
    }

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (skipped("evaluate", skipITs)) {
            return;
        }
        EvaluationRunner.Request request = validate();
        requireSparkCapableJava();
        try {
            Evaluation e = new EvaluationRunner(runner()).run(request);
            EvaluationRunner.summary(e, request.evaluationFile()).forEach(getLog()::info);
        } catch (JobFailedException e) {
            rethrow(e);
        } catch (RuntimeException e) {
            throw new MojoExecutionException("streamguard:evaluate failed: " + e.getMessage(), e);
        }
    }

    EvaluationRunner.Request validate() throws MojoFailureException {
        if ((dataset == null) == (groundTruth == null)) {
            throw new MojoFailureException("Give exactly one of streamguard.dataset (a labelled CSV) and "
                    + "streamguard.groundTruth (the ground_truth.json of a finished run).");
        }
        if (dataset != null && !dataset.isFile()) {
            throw new MojoFailureException("streamguard.dataset " + dataset + " does not exist.");
        }
        if (groundTruth != null && !groundTruth.isFile()) {
            throw new MojoFailureException("streamguard.groundTruth " + groundTruth + " does not exist.");
        }
        if (!evalSplit.equalsIgnoreCase("all")) {
            try {
                double f = Double.parseDouble(evalSplit);
                if (!(f > 0 && f < 1)) {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                throw new MojoFailureException("streamguard.evalSplit must be a share in (0, 1) such as 0.7, or 'all';"
                        + " was '" + evalSplit + "'.");
            }
        }
        List<String> jvm = jvmArgs();
        for (String arg : jvm) {
            if (Secrets.isSecretSystemProperty(arg)) {
                // run sends such options over the fork's stdin; evaluate reads no topic and has no such channel.
                throw new MojoFailureException("streamguard.jvmArgs holds " + Redaction.redactAssignment(arg)
                        + ", which looks like a secret or names an environment variable (env:): streamguard:evaluate "
                        + "puts its JVM options on the command line and resolves no env: value. It reads no Kafka "
                        + "topic, so it needs no secrets: remove the option from evaluate's jvmArgs.");
            }
        }
        try {
            RunSpec.builder().set(RunSpec.CONTAMINATION, contamination).set(RunSpec.NUM_TREES, numTrees)
                    .set(RunSpec.MASTER, master).build(Setting.Naming.PROPERTY);
        } catch (InvalidSettingException e) {
            throw new MojoFailureException(e.getMessage());
        }
        return new EvaluationRunner.Request(dataset == null ? null : dataset.toPath(),
                groundTruth == null ? null : groundTruth.toPath(), evalSplit, seed, contamination, numTrees, topK,
                outputDirectory.toPath(), workDirectory.toPath(), master, jvm);
    }
}
