package io.streamguard.pipeline.detect;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.when;

import com.linkedin.relevance.isolationforest.IsolationForest;
import com.linkedin.relevance.isolationforest.IsolationForestModel;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.StandardScalerModel;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.sql.types.StructType;

/**
 * Scores rows with LinkedIn's Spark Isolation Forest on standardized features.
 *
 * <p>{@code anomaly_score} is the forest's own score {@code 2^(-E[h(x)]/c(n))} in [0, 1], higher meaning more
 * anomalous. It is deliberately not rescaled per run, so scores of different runs compare.
 *
 * <p>The threshold is the forest's exact {@code (1 - contamination)} quantile of the training scores, and
 * {@code is_anomaly} is 1 for scores above it: {@code floor(contamination * rows)} rows when scores are distinct
 * (5 of 50 users at 0.1). Flagging scores equal to the quantile as well would flag one row more whenever
 * {@code contamination * rows} is whole (6 of 50), because the quantile is itself a training row's score.
 */
public final class IsolationForestDetector {

    public static final String SCORE = "anomaly_score";
    public static final String LABEL = "is_anomaly";

    private static final String RAW_FEATURES = "_raw_features";
    private static final String FEATURES = "_features";
    private static final String PREDICTION = "_predicted";

    /**
     * Parameters of one fit. {@code maxSamples} is capped at the number of rows. Checked as LinkedIn's forest checks
     * them, so that the driver's fit and the Spark fit accept the same parameters.
     */
    public record Params(int numTrees, int maxSamples, double contamination, long seed) {
        public Params {
            if (numTrees < 1 || maxSamples < 1 || !(contamination >= 0 && contamination < 0.5) || seed < 1) {
                throw new IllegalArgumentException("Isolation Forest parameters out of range (trees >= 1, samples >= 1, "
                        + "contamination in [0, 0.5), seed >= 1): " + numTrees + " trees, " + maxSamples + " samples, "
                        + "contamination " + contamination + ", seed " + seed);
            }
        }
    }

    /**
     * The scored rows: the input columns plus {@link #SCORE} (double) and {@link #LABEL} (int 0/1).
     *
     * <p>After the driver's fit the rows are a list in the driver's memory, and the Dataset of them is only made when
     * asked for: making one costs its analysis, about 0.2 s of a 1,000-event run in a cold JVM, and the run does not
     * need it. After the Spark fit the Dataset is cached ({@link #unpersist()} releases it) and the rows are streamed
     * from it one partition at a time.
     */
    public static final class Result {
        private final StructType schema;
        private final Iterable<Row> rows;
        private final double threshold;
        private final int samplesPerTree;
        private final boolean onDriver;
        private final SparkSession spark;
        private Dataset<Row> scored;

        private Result(StructType schema, Iterable<Row> rows, double threshold, int samplesPerTree,
                       SparkSession spark, Dataset<Row> scored) {
            this.schema = schema;
            this.rows = rows;
            this.threshold = threshold;
            this.samplesPerTree = samplesPerTree;
            this.onDriver = scored == null;
            this.spark = spark;
            this.scored = scored;
        }

        /** The scored rows as a Dataset (made on first call after the driver's fit). */
        public synchronized Dataset<Row> scored() {
            if (scored == null) {
                scored = spark.createDataFrame((List<Row>) rows, schema);
            }
            return scored;
        }

        /** The scored rows for the driver to read, in the order of the forest's input. */
        public Iterable<Row> rows() {
            return rows;
        }

        public StructType schema() {
            return schema;
        }

        /** The score above which a row is anomalous. */
        public double threshold() {
            return threshold;
        }

        /** Rows drawn for each tree. */
        public int samplesPerTree() {
            return samplesPerTree;
        }

        /** True when the driver fitted the forest: {@link #rows()} is then a list in the driver's memory. */
        public boolean onDriver() {
            return onDriver;
        }

        /** Releases the Spark fit's cached scores; nothing to release after the driver's fit. */
        public synchronized void unpersist() {
            if (!onDriver) {
                scored.unpersist();
            }
        }
    }

    private IsolationForestDetector() {
    }

    /** A fitted scaler and forest, and the threshold from its training rows. */
    public record Fitted(VectorAssembler assembler, StandardScalerModel scaler, IsolationForestModel forest,
                         double threshold, int samplesPerTree) {

        /** Adds {@link #SCORE} and {@link #LABEL} to {@code rows} (which must have the feature columns). */
        public Dataset<Row> score(Dataset<Row> rows) {
            List<Column> out = new ArrayList<>();
            for (String c : rows.columns()) {
                out.add(col(c));
            }
            out.add(col(SCORE));
            out.add(when(col(SCORE).gt(threshold), 1).otherwise(0).as(LABEL));
            return forest.transform(scaler.transform(assembler.transform(rows))).select(out.toArray(Column[]::new));
        }
    }

    /**
     * Fits on {@code rows} and scores the same rows. For identical scores between runs the input must arrive in the
     * same partitions in the same order (the forest samples each partition with a seed).
     *
     * @param rowCount the number of rows of {@code rows}, at least 2
     */
    public static Result fitAndScore(Dataset<Row> rows, List<String> featureColumns, Params params, long rowCount) {
        if (fitsOnDriver(rowCount)) {
            return fitAndScoreOnDriver(rows.sparkSession(), rows.toJavaRDD(), rows.schema(), featureColumns, params);
        }
        return fitAndScoreOnSpark(rows, featureColumns, params, rowCount);
    }

    /**
     * {@link #fitAndScore(Dataset, List, Params, long)} over rows of {@code schema} that are not a DataFrame: up to
     * {@link DriverIsolationForest#MAX_ROWS} rows no Spark SQL query runs (in a cold JVM the first one costs about
     * 1 s of planning and code generation).
     */
    public static Result fitAndScore(SparkSession spark, JavaRDD<Row> rows, StructType schema,
                                     List<String> featureColumns, Params params, long rowCount) {
        if (fitsOnDriver(rowCount)) {
            return fitAndScoreOnDriver(spark, rows, schema, featureColumns, params);
        }
        // Spark's fit passes over its input about ten times: converted once, into the columnar cache, not each time.
        Dataset<Row> input = spark.createDataFrame(rows, schema).persist(StorageLevel.MEMORY_AND_DISK());
        try {
            Result result = fitAndScoreOnSpark(input, featureColumns, params, rowCount);
            result.scored().count(); // fills the scores' cache, which is all that is read from here on
            return result;
        } finally {
            input.unpersist();
        }
    }

    private static boolean fitsOnDriver(long rowCount) {
        return rowCount >= 2 && rowCount <= DriverIsolationForest.MAX_ROWS;
    }

    /** {@link #fit} and {@link Fitted#score} on Spark, for more rows than the driver's fit takes. */
    static Result fitAndScoreOnSpark(Dataset<Row> rows, List<String> featureColumns, Params params, long rowCount) {
        Fitted fitted = fit(rows, featureColumns, params, rowCount);
        Dataset<Row> scored = fitted.score(rows).persist(StorageLevel.MEMORY_AND_DISK());
        return new Result(scored.schema(), scored::toLocalIterator, fitted.threshold(), fitted.samplesPerTree(),
                rows.sparkSession(), scored);
    }

    /**
     * The same fit and scores as {@link #fit} and {@link Fitted#score} (see {@link DriverIsolationForest}), with the
     * rows collected once: one Spark job instead of about ten. The scored rows come back as a local Dataset.
     */
    private static Result fitAndScoreOnDriver(SparkSession spark, JavaRDD<Row> rows, StructType schema,
                                              List<String> featureColumns, Params params) {
        int[] featureIndices = featureColumns.stream().mapToInt(schema::fieldIndex).toArray();
        List<List<Row>> partitions = rows.glom().collect();
        List<List<double[]>> features = new ArrayList<>(partitions.size());
        for (List<Row> partition : partitions) {
            List<double[]> values = new ArrayList<>(partition.size());
            for (Row row : partition) {
                double[] v = new double[featureIndices.length];
                for (int j = 0; j < v.length; j++) {
                    if (row.isNullAt(featureIndices[j])) { // VectorAssembler's error for the same row, named
                        throw new IllegalArgumentException("Feature column '" + featureColumns.get(j)
                                + "' is null in row " + row + ": every feature must be a number");
                    }
                    v[j] = ((Number) row.get(featureIndices[j])).doubleValue();
                }
                values.add(v);
            }
            features.add(values);
        }
        DriverIsolationForest.Scores fitted = DriverIsolationForest.fitAndScore(features, params);
        List<Row> scored = new ArrayList<>(fitted.scores().length);
        int i = 0;
        for (List<Row> partition : partitions) {
            for (Row row : partition) {
                Object[] values = new Object[row.size() + 2];
                for (int j = 0; j < row.size(); j++) {
                    values[j] = row.get(j);
                }
                double score = fitted.scores()[i++];
                values[row.size()] = score;
                values[row.size() + 1] = score > fitted.threshold() ? 1 : 0;
                scored.add(RowFactory.create(values));
            }
        }
        StructType scoredSchema = schema.add(SCORE, DataTypes.DoubleType, false)
                .add(LABEL, DataTypes.IntegerType, false);
        return new Result(scoredSchema, List.copyOf(scored), fitted.threshold(), fitted.samplesPerTree(), spark, null);
    }

    /** Fits the scaler and the forest on {@code rows}; the threshold comes from their training scores. */
    public static Fitted fit(Dataset<Row> rows, List<String> featureColumns, Params params, long rowCount) {
        if (rowCount < 2) {
            throw new IllegalArgumentException("an Isolation Forest needs at least 2 rows, got " + rowCount);
        }
        VectorAssembler assembler = new VectorAssembler()
                .setInputCols(featureColumns.toArray(String[]::new))
                .setOutputCol(RAW_FEATURES);
        Dataset<Row> assembled = assembler.transform(rows);
        StandardScalerModel scaler = new StandardScaler()
                .setInputCol(RAW_FEATURES).setOutputCol(FEATURES).setWithMean(true).setWithStd(true)
                .fit(assembled);
        Dataset<Row> standardized = scaler.transform(assembled);

        int samples = (int) Math.min(params.maxSamples(), rowCount);
        IsolationForest forest = new IsolationForest();
        forest.setNumEstimators(params.numTrees());
        forest.setMaxSamples(samples);
        forest.setMaxFeatures(1.0);
        forest.setBootstrap(false);
        forest.setContamination(params.contamination());
        forest.setContaminationError(0.0);
        forest.setRandomSeed(params.seed());
        forest.setFeaturesCol(FEATURES);
        forest.setScoreCol(SCORE);
        forest.setPredictionCol(PREDICTION);
        IsolationForestModel model = forest.fit(standardized);
        return new Fitted(assembler, scaler, model, model.getOutlierScoreThreshold(), samples);
    }
}
