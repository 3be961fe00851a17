package io.streamguard.pipeline.explain;

import io.streamguard.report.AnomalyReport;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Why a user stands out: each feature against the population of the run, as a robust z-score
 * {@code (x - median) / (1.4826 * MAD)}. Medians and MADs are exact (Spark SQL's {@code percentile}, not an
 * approximation), so the reasons are the same for the same data. They are computed on the driver from every user's
 * values ({@link #of}): a run's users are few enough to hold (8 bytes per feature and user), and two Spark
 * aggregations with exact percentiles cost 1.3 s of a 1,000-event run.
 *
 * <p>Most users share one value of many features (no failed logins, no rare process): the MAD is then 0 and the
 * usual z-score infinite. There the mean absolute deviation stands in, scaled by 1.2533 ({@code sqrt(pi/2)}, which
 * makes it estimate the standard deviation of a normal population, as 1.4826 does for the MAD); when that is 0 too,
 * every user has the median's value and the z-score is 0.
 */
public final class FeatureDeviations {

    /** MAD to standard deviation for a normal population: {@code 1 / Phi^-1(3/4)}. */
    public static final double MAD_SCALE = 1.4826;
    /** Mean absolute deviation to standard deviation for a normal population: {@code sqrt(pi / 2)}. */
    public static final double MEAN_AD_SCALE = 1.2533;

    /** The population of one run: per feature, its median, MAD and mean absolute deviation from the median. */
    public record Population(List<String> features, double[] medians, double[] mads, double[] meanAbsDeviations) {

        /** The robust z-score of {@code value} of the {@code i}-th feature. */
        public double robustZ(int i, double value) {
            double deviation = value - medians[i];
            if (deviation == 0) {
                return 0;
            }
            if (mads[i] > 0) {
                return deviation / (MAD_SCALE * mads[i]);
            }
            if (meanAbsDeviations[i] > 0) {
                return deviation / (MEAN_AD_SCALE * meanAbsDeviations[i]);
            }
            return 0; // unreachable: a value off the median makes the mean absolute deviation positive
        }

        /**
         * The {@code max} features of one user that deviate most (largest |robust z| first, then the feature order
         * of the model); features on the median are no reason.
         *
         * @param values the user's values, in the order of {@link #features}
         */
        public List<AnomalyReport.Reason> reasons(double[] values, int max) {
            List<AnomalyReport.Reason> all = new ArrayList<>();
            for (int i = 0; i < features.size(); i++) {
                double z = robustZ(i, values[i]);
                if (z != 0 && Double.isFinite(z)) {
                    all.add(new AnomalyReport.Reason(features.get(i), values[i], medians[i], z,
                            FeatureWords.describe(features.get(i), values[i], medians[i])));
                }
            }
            // Stable sort: ties keep the model's feature order.
            all.sort(Comparator.comparingDouble((AnomalyReport.Reason r) -> Math.abs(r.robustZ())).reversed());
            return List.copyOf(all.subList(0, Math.min(max, all.size())));
        }
    }

    private FeatureDeviations() {
    }

    /**
     * The population of {@code values}: per feature, the exact median (as Spark SQL's {@code percentile(x, 0.5)},
     * interpolated between the two middle values), the MAD and the mean absolute deviation from the median.
     *
     * @param values one array per feature, in the order of {@code features}, each with one value per user; sorted
     *     in place
     */
    public static Population of(List<String> features, double[][] values) {
        double[] medians = new double[features.size()];
        double[] mads = new double[features.size()];
        double[] meanAbs = new double[features.size()];
        for (int i = 0; i < medians.length; i++) {
            double[] v = values[i];
            Arrays.sort(v);
            medians[i] = median(v);
            double sum = 0;
            for (int j = 0; j < v.length; j++) {
                v[j] = Math.abs(v[j] - medians[i]);
                sum += v[j];
            }
            meanAbs[i] = v.length == 0 ? 0 : sum / v.length;
            Arrays.sort(v);
            mads[i] = median(v);
        }
        return new Population(List.copyOf(features), medians, mads, meanAbs);
    }

    /** Spark's exact percentile at 0.5 of sorted values: position {@code (n - 1) / 2}, interpolated linearly. */
    static double median(double[] sorted) {
        if (sorted.length == 0) {
            return 0;
        }
        double position = (sorted.length - 1) * 0.5;
        long lower = (long) Math.floor(position);
        long higher = (long) Math.ceil(position);
        double low = sorted[(int) lower];
        double high = sorted[(int) higher];
        if (higher == lower || low == high) {
            return low;
        }
        return (higher - position) * low + (position - lower) * high;
    }

}
