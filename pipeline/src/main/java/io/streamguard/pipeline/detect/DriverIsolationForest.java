package io.streamguard.pipeline.detect;

import com.linkedin.relevance.isolationforest.IsolationTree;
import com.linkedin.relevance.isolationforest.IsolationTree$;
import com.linkedin.relevance.isolationforest.Utils;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.commons.math3.distribution.BinomialDistribution;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.stat.SummarizerBuffer;

/**
 * The standard scaler and LinkedIn's Isolation Forest, fitted and scored in the driver's memory when the rows are few:
 * the same trees, scores and threshold as {@code StandardScaler.fit} plus {@code IsolationForest.fit} on a Dataset of
 * the same rows in the same partitions, without their ten Spark jobs (measured: 4 s of a 1,000-event run).
 *
 * <p>Every random choice and every floating-point operation is the Spark fit's, in the same order, so the two agree
 * to the last bit ({@code DriverIsolationForestTest} fits both ways and compares; {@code PinnedScoresTest} pins the
 * values). What that takes, step by step, with the place in LinkedIn's 3.0.5 or Spark's 3.5 code it mirrors:
 * <ol>
 *   <li>Mean and sample standard deviation from Spark's own {@link SummarizerBuffer}: one per partition, merged in
 *       partition order into an empty one, as Spark's partial and final aggregation of {@code Summarizer} do.</li>
 *   <li>Standardized as {@code StandardScalerModel.transformWithBoth}: {@code (x - mean) * (1 / std)}, 0 where the
 *       standard deviation is 0; then cast to {@code float}, as {@code IsolationForest.fit} does.</li>
 *   <li>Sampling as {@code BaggedPoint.convertToBaggedRDD} without replacement: one commons-math binomial(1, fraction)
 *       reseeded with {@code seed + partition + 1} per partition, drawing {@code numTrees} times per row, row after
 *       row. Tree {@code t} gets the rows that drew 1 at draw {@code t}, in partition and row order (the hash
 *       partitioning by tree keeps the order of its map outputs).</li>
 *   <li>Each tree's rows shuffled by {@code scala.util.Random(seed + t + 2)} (a Fisher-Yates over
 *       {@code java.util.Random.nextInt}), cut to the samples per tree, then the feature indices shuffled by the same
 *       generator; the tree itself is built by LinkedIn's {@code IsolationTree.fit} with
 *       {@code seed + numTrees + t + 2}.</li>
 *   <li>Scores as {@code IsolationForestModel.transform}: the {@code float} sum of path lengths over the trees,
 *       divided by the number of trees, then {@code 2^(-length / c(samples))}.</li>
 *   <li>The threshold as {@code approxQuantile(1 - contamination)} with relative error 0, which is exact: the score at
 *       rank {@code ceil(p * n)} of the sorted scores.</li>
 * </ol>
 */
final class DriverIsolationForest {

    /** Rows per fit above which the Spark fit runs instead: their features must fit comfortably in driver memory. */
    static final long MAX_ROWS = 100_000;

    /** LinkedIn's {@code Utils.EulerConstant}, a float. */
    private static final float EULER = 0.5772156649f;

    private DriverIsolationForest() {
    }

    /** Each row's score, in the order of the input's partitions and rows, and the threshold. */
    record Scores(double[] scores, double threshold, int samplesPerTree) {
    }

    /**
     * @param partitions the raw feature values of every row, partition by partition, in the Spark fit's order
     *     (empty partitions included: the sampler's seeds count them)
     */
    static Scores fitAndScore(List<List<double[]>> partitions, IsolationForestDetector.Params params) {
        long rows = partitions.stream().mapToLong(List::size).sum();
        if (rows < 2) {
            throw new IllegalArgumentException("an Isolation Forest needs at least 2 rows, got " + rows);
        }
        List<List<Utils.DataPoint>> points = standardize(partitions);
        int features = points.stream().filter(p -> !p.isEmpty()).findFirst().orElseThrow().get(0).features().length;
        int samples = (int) Math.min(params.maxSamples(), rows);
        List<List<Utils.DataPoint>> perTree = sample(points, rows, samples, params.numTrees(), params.seed());

        IsolationTree[] trees = new IsolationTree[params.numTrees()];
        for (int t = 0; t < trees.length; t++) {
            List<Utils.DataPoint> data = perTree.get(t);
            if (data.isEmpty()) {
                // The Spark fit fails here too (on the first row of an empty partition), less clearly.
                throw new IllegalStateException("the sampler drew no row for tree " + t + " of " + rows + " rows");
            }
            Random random = new Random(params.seed() + t + 2);
            shuffle(data, random);
            Utils.DataPoint[] forTree = data.subList(0, Math.min(samples, data.size())).toArray(Utils.DataPoint[]::new);
            List<Integer> indices = new ArrayList<>(features);
            for (int i = 0; i < features; i++) {
                indices.add(i);
            }
            shuffle(indices, random); // maxFeatures 1.0: every feature is kept, the draws still advance the generator
            int[] featureIndices = indices.stream().mapToInt(Integer::intValue).sorted().toArray();
            trees[t] = IsolationTree$.MODULE$.fit(forTree, params.seed() + params.numTrees() + t + 2, featureIndices);
        }

        float averagePath = averagePathLength(samples);
        double[] scores = new double[(int) rows];
        int i = 0;
        for (List<Utils.DataPoint> partition : points) {
            for (Utils.DataPoint point : partition) {
                float sum = 0f;
                for (IsolationTree tree : trees) {
                    sum += tree.calculatePathLength(point);
                }
                float pathLength = sum / trees.length;
                scores[i++] = Math.pow(2, -pathLength / averagePath);
            }
        }
        return new Scores(scores, threshold(scores, params.contamination()), samples);
    }

    private static List<List<Utils.DataPoint>> standardize(List<List<double[]>> partitions) {
        SummarizerBuffer total = new SummarizerBuffer();
        for (List<double[]> partition : partitions) {
            SummarizerBuffer part = new SummarizerBuffer();
            for (double[] row : partition) {
                part.add(Vectors.dense(row));
            }
            total.merge(part);
        }
        double[] mean = total.mean().toArray();
        double[] std = total.std().toArray();
        double[] scale = new double[std.length];
        for (int j = 0; j < std.length; j++) {
            scale[j] = std[j] == 0 ? 0.0 : 1.0 / std[j];
        }
        List<List<Utils.DataPoint>> out = new ArrayList<>(partitions.size());
        for (List<double[]> partition : partitions) {
            List<Utils.DataPoint> points = new ArrayList<>(partition.size());
            for (double[] row : partition) {
                float[] values = new float[row.length];
                for (int j = 0; j < row.length; j++) {
                    values[j] = (float) ((row[j] - mean[j]) * scale[j]);
                }
                points.add(new Utils.DataPoint(values));
            }
            out.add(points);
        }
        return out;
    }

    /** The rows of each tree, as {@code BaggedPoint} draws them without replacement. */
    private static List<List<Utils.DataPoint>> sample(List<List<Utils.DataPoint>> partitions, long rows, int samples,
                                                      int numTrees, long seed) {
        double target = samples + 7.0 * Math.sqrt(samples);
        double fraction = Math.min(target / (double) rows, 1.0);
        List<List<Utils.DataPoint>> perTree = new ArrayList<>(numTrees);
        for (int t = 0; t < numTrees; t++) {
            perTree.add(new ArrayList<>());
        }
        if (numTrees == 1 && fraction == 1.0) {
            partitions.forEach(perTree.get(0)::addAll); // BaggedPoint does not sample then
            return perTree;
        }
        BinomialDistribution draw = new BinomialDistribution(1, fraction);
        for (int p = 0; p < partitions.size(); p++) {
            draw.reseedRandomGenerator(seed + p + 1);
            for (Utils.DataPoint point : partitions.get(p)) {
                for (int t = 0; t < numTrees; t++) {
                    if (draw.sample() == 1) {
                        perTree.get(t).add(point);
                    }
                }
            }
        }
        return perTree;
    }

    /** {@code scala.util.Random.shuffle}: from the last element down, swap with one drawn from those before it. */
    private static <T> void shuffle(List<T> items, Random random) {
        for (int n = items.size(); n >= 2; n--) {
            int k = random.nextInt(n);
            T swapped = items.get(n - 1);
            items.set(n - 1, items.get(k));
            items.set(k, swapped);
        }
    }

    /** LinkedIn's {@code Utils.avgPathLength}, in floats as there. */
    private static float averagePathLength(long n) {
        if (n <= 1) {
            return 0.0f;
        }
        return 2.0f * ((float) Math.log(n - 1.0f) + EULER) - (2.0f * (n - 1.0f) / (float) n);
    }

    /** The exact {@code 1 - contamination} quantile; -1 (no threshold) when contamination is 0, as LinkedIn's. */
    private static double threshold(double[] scores, double contamination) {
        if (contamination <= 0.0) {
            return -1;
        }
        double[] sorted = scores.clone();
        Arrays.sort(sorted);
        long rank = (long) Math.ceil((1 - contamination) * sorted.length);
        return sorted[(int) Math.max(1, Math.min(sorted.length, rank)) - 1];
    }
}
