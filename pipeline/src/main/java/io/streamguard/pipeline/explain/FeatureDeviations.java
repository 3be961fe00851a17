package io.streamguard.pipeline.explain;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;

import io.streamguard.report.AnomalyReport;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Why a user stands out: each feature against the population of the run, as a robust z-score
 * {@code (x - median) / (1.4826 * MAD)}. Medians and MADs are exact ({@code percentile}, not an approximation), so the
 * reasons are the same for the same data. The medians come in the caller's own aggregation ({@link #medianColumns});
 * the deviations from them need one more ({@link #population}).
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

    /** Exact medians of {@code features}, one column each, for the caller's aggregation. */
    public static List<Column> medianColumns(List<String> features) {
        List<Column> columns = new ArrayList<>();
        for (String f : features) {
            columns.add(expr("percentile(" + quoted(f) + ", 0.5)"));
        }
        return columns;
    }

    /**
     * The MADs and mean absolute deviations around the {@code medians}: one aggregation over {@code rows}.
     *
     * @param medians what {@link #medianColumns} gave, in the order of {@code features}
     */
    public static Population population(Dataset<Row> rows, List<String> features, double[] medians) {
        List<Column> deviations = new ArrayList<>();
        List<Column> columns = new ArrayList<>();
        for (int i = 0; i < features.size(); i++) {
            String name = "deviation_" + i;
            deviations.add(abs(col(quoted(features.get(i))).minus(lit(medians[i]))).as(name));
            columns.add(expr("percentile(" + name + ", 0.5)"));
            columns.add(avg(name));
        }
        Row row = rows.select(deviations.toArray(new Column[0]))
                .agg(columns.get(0), columns.subList(1, columns.size()).toArray(new Column[0])).first();
        double[] mads = new double[features.size()];
        double[] meanAbs = new double[features.size()];
        for (int i = 0; i < features.size(); i++) {
            mads[i] = row.isNullAt(2 * i) ? 0 : row.getDouble(2 * i);
            meanAbs[i] = row.isNullAt(2 * i + 1) ? 0 : row.getDouble(2 * i + 1);
        }
        return new Population(List.copyOf(features), medians.clone(), mads, meanAbs);
    }

    private static String quoted(String column) {
        return "`" + column.replace("`", "``") + "`";
    }
}
