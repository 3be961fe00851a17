package io.streamguard.pipeline.evaluate;

import io.streamguard.pipeline.StreamGuardException;
import io.streamguard.pipeline.StreamGuardPipeline;
import io.streamguard.pipeline.detect.IsolationForestDetector;
import io.streamguard.report.AnomalyReport;
import io.streamguard.report.Evaluation;
import io.streamguard.report.GroundTruth;
import io.streamguard.report.ReportJson;
import io.streamguard.spec.Arguments;
import io.streamguard.spec.InvalidSettingException;
import io.streamguard.spec.JobProtocol;
import io.streamguard.spec.RunSpec;
import io.streamguard.spec.Setting;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@code streamguard:evaluate}'s Spark side. Either scores a labelled CSV (numeric features, label last, {@code #}
 * comments: the ODDS format) with the job's detector, fitted on a seeded share of the rows and scored on the rest
 * (or on all rows); or measures a finished run's scores against the ground truth of its synthetic events. Writes
 * {@code evaluation.json} and prints it.
 */
public final class EvaluateJob {

    public static final String USAGE = String.join("\n",
            "Usage: EvaluateJob (--dataset FILE.csv | --run-output DIR --ground-truth FILE) --output DIR [options]",
            "  --split F|all      share of rows to fit on, the rest scored (default 0.7); all = fit and score every row",
            "  --seed N           split and forest seed (default 42)",
            "  --contamination F  (default 0.1)   --num-trees N (default 100)   --max-samples N (default 256)",
            "  --top-k N          top-k cut (default: the number of anomalies)",
            "  --master URL       Spark master (default local[*])");

    /** The top-k cut; 0 means the number of labelled anomalies. */
    static final Setting<Integer> TOP_K = Setting.atLeast("top-k", "streamguard.topK", "N", "0", 0, "top-k cut");

    private static final Set<String> OPTIONS = Set.of("dataset", "run-output", "split", "top-k",
            RunSpec.OUTPUT.option(), RunSpec.GROUND_TRUTH.option(), RunSpec.SEED.option(),
            RunSpec.CONTAMINATION.option(), RunSpec.NUM_TREES.option(), RunSpec.MAX_SAMPLES.option(),
            RunSpec.MASTER.option());

    private EvaluateJob() {
    }

    public static void main(String[] args) {
        try {
            Arguments o = arguments(args);
            Path output = Path.of(o.required(RunSpec.OUTPUT, USAGE));
            if (!o.single().containsKey("dataset")
                    && !(o.single().containsKey("run-output") && o.single().containsKey(RunSpec.GROUND_TRUTH.option()))) {
                throw StreamGuardException.badConfig("Give --dataset FILE.csv, or --run-output DIR with "
                        + "--ground-truth FILE.\n" + USAGE);
            }
            SparkSession spark = session(o);
            Evaluation evaluation;
            try {
                evaluation = o.single().containsKey("dataset") ? dataset(spark, o) : groundTruth(spark, o);
            } finally {
                spark.stop();
            }
            Files.createDirectories(output);
            Path tmp = output.resolve("." + Evaluation.FILE + ".tmp");
            Files.write(tmp, evaluation.toBytes());
            Files.move(tmp, output.resolve(Evaluation.FILE), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
            System.out.println(new String(evaluation.toBytes(), StandardCharsets.UTF_8));
        } catch (InvalidSettingException e) {
            System.err.println(JobProtocol.errorLine(e.getMessage()));
            System.exit(JobProtocol.EXIT_BAD_CONFIG);
        } catch (StreamGuardException e) {
            System.err.println(JobProtocol.errorLine(e.getMessage()));
            System.exit(e.exitCode());
        } catch (Exception | Error e) { // an OutOfMemoryError on this thread must be named too
            System.err.println(JobProtocol.errorLine(
                    StreamGuardException.crashMessage("the evaluation", e, Runtime.getRuntime().maxMemory())));
            e.printStackTrace();
            System.exit(StreamGuardException.EXIT_INTERNAL);
        }
    }

    static Evaluation dataset(SparkSession spark, Arguments o) throws IOException {
        Path file = Path.of(o.single().get("dataset"));
        Double trainFraction = split(o.single().getOrDefault("split", "0.7"));
        long seed = o.get(RunSpec.SEED);
        IsolationForestDetector.Params params = params(o, seed);
        List<double[]> rows = readCsv(file);
        int width = rows.get(0).length;
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            order.add(i);
        }
        List<Integer> train = order;
        List<Integer> test = order;
        if (trainFraction != null) {
            Collections.shuffle(order, new Random(seed));
            int cut = (int) Math.round(rows.size() * trainFraction);
            train = order.subList(0, cut);
            test = order.subList(cut, order.size());
        }
        List<String> features = new ArrayList<>();
        StructType schema = new StructType();
        for (int c = 0; c < width - 1; c++) {
            features.add("f" + c);
            schema = schema.add("f" + c, DataTypes.DoubleType);
        }
        schema = schema.add("label", DataTypes.IntegerType);
        Dataset<Row> trainRows = spark.createDataFrame(toRows(rows, train), schema).repartition(2).cache();
            Dataset<Row> testRows = spark.createDataFrame(toRows(rows, test), schema).repartition(2).cache();
            IsolationForestDetector.Fitted fitted = IsolationForestDetector.fit(trainRows, features, params,
                    train.size());
            List<Row> scored = fitted.score(testRows).select(IsolationForestDetector.SCORE, "label").collectAsList();
            double[] scores = new double[scored.size()];
            int[] labels = new int[scored.size()];
            for (int i = 0; i < scored.size(); i++) {
                scores[i] = scored.get(i).getDouble(0);
                labels[i] = scored.get(i).getInt(1);
            }
            Metrics.Result m = Metrics.compute(scores, labels, fitted.threshold(),
                    o.get(TOP_K));
            return Evaluations.of("dataset", file.toString(), trainFraction, m, parameters(params), null);
    }

    static Evaluation groundTruth(SparkSession spark, Arguments o) throws IOException {
        Path runOutput = Path.of(o.single().get("run-output"));
        AnomalyReport report;
        try (InputStream in = Files.newInputStream(runOutput.resolve(ReportJson.REPORT_FILE))) {
            report = ReportJson.read(in);
        }
        GroundTruth truth = GroundTruth.read(Path.of(o.get(RunSpec.GROUND_TRUTH)));
            List<Row> rows = spark.read().parquet(runOutput.resolve(StreamGuardPipeline.TRAINING_DATA).toString())
                    .select("user", IsolationForestDetector.SCORE).collectAsList();
            List<String> users = new ArrayList<>();
            double[] scores = new double[rows.size()];
            for (int i = 0; i < rows.size(); i++) {
                users.add(rows.get(i).getString(0));
                scores[i] = rows.get(i).getDouble(1);
            }
            AnomalyReport.Model m = report.model();
            Map<String, Object> parameters = new LinkedHashMap<>();
            parameters.put("num_trees", m.numTrees());
            parameters.put("max_samples", m.maxSamples());
            parameters.put("contamination", m.contamination());
            parameters.put("seed", m.seed());
            return Evaluations.ofGroundTruth(users, scores, truth, m.threshold(),
                    o.get(TOP_K), parameters);
    }

    static List<double[]> readCsv(Path file) throws IOException {
        List<double[]> rows = new ArrayList<>();
        int width = -1;
        int lineNumber = 0;
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                lineNumber++;
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] parts = line.split(",");
                if (width < 0) {
                    width = parts.length;
                }
                if (parts.length != width || width < 2) {
                    throw StreamGuardException.badConfig(file + " line " + lineNumber + ": expected " + width
                            + " comma-separated numbers (features, then the label), found " + parts.length + ".");
                }
                double[] values = new double[width];
                for (int i = 0; i < width; i++) {
                    try {
                        values[i] = Double.parseDouble(parts[i].trim());
                    } catch (NumberFormatException e) {
                        throw StreamGuardException.badConfig(file + " line " + lineNumber + ", column " + (i + 1)
                                + ": '" + parts[i] + "' is not a number.");
                    }
                }
                if (values[width - 1] != 0 && values[width - 1] != 1) {
                    throw StreamGuardException.badConfig(file + " line " + lineNumber
                            + ": the label (last column) must be 0 or 1, was " + parts[width - 1] + ".");
                }
                rows.add(values);
            }
        } catch (java.nio.file.NoSuchFileException e) {
            throw StreamGuardException.badConfig("Dataset " + file + " does not exist.");
        }
        if (rows.size() < 4) {
            throw StreamGuardException.badConfig(file + " holds " + rows.size() + " data rows; at least 4 are needed.");
        }
        return rows;
    }

    private static List<Row> toRows(List<double[]> data, List<Integer> indices) {
        List<Row> rows = new ArrayList<>(indices.size());
        for (int i : indices) {
            double[] v = data.get(i);
            Object[] values = new Object[v.length];
            for (int c = 0; c < v.length - 1; c++) {
                values[c] = v[c];
            }
            values[v.length - 1] = (int) v[v.length - 1];
            rows.add(RowFactory.create(values));
        }
        return rows;
    }

    private static Double split(String value) {
        if (value.equalsIgnoreCase("all")) {
            return null;
        }
        try {
            double f = Double.parseDouble(value);
            if (f > 0 && f < 1) {
                return f;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw StreamGuardException.badConfig("--split must be a share in (0, 1) such as 0.7, or 'all'; was '"
                + value + "'.");
    }

    private static IsolationForestDetector.Params params(Arguments o, long seed) {
        return new IsolationForestDetector.Params(o.get(RunSpec.NUM_TREES), o.get(RunSpec.MAX_SAMPLES),
                o.get(RunSpec.CONTAMINATION), seed);
    }

    private static Map<String, Object> parameters(IsolationForestDetector.Params p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("num_trees", p.numTrees());
        m.put("max_samples", p.maxSamples());
        m.put("contamination", p.contamination());
        m.put("seed", p.seed());
        return m;
    }

    private static SparkSession session(Arguments o) {
        String master = o.get(RunSpec.MASTER);
        SparkSession session = io.streamguard.pipeline.LocalSpark.builder("StreamGuard evaluate",
                master == null ? "local[*]" : master, Map.of("spark.sql.shuffle.partitions", "2")).getOrCreate();
        io.streamguard.pipeline.StageProgress.attach(session);
        return session;
    }

    /**
     * The command line, every value checked before Spark starts; the settings it shares with a run are
     * {@link RunSpec}'s, read by the same parser.
     *
     * @throws InvalidSettingException naming the option and what it accepts (exit code 2)
     */
    static Arguments arguments(String[] args) {
        Arguments o = Arguments.parse(args, OPTIONS, Set.of(), USAGE);
        for (Setting<?> setting : List.of(RunSpec.SEED, RunSpec.NUM_TREES, RunSpec.MAX_SAMPLES,
                RunSpec.CONTAMINATION, RunSpec.MASTER, RunSpec.GROUND_TRUTH, TOP_K)) {
            o.get(setting);
        }
        split(o.single().getOrDefault("split", "0.7"));
        return o;
    }
}
