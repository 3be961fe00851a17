package io.streamguard.pipeline.evaluate;

import java.util.Arrays;
import java.util.Comparator;

/** Ranking and threshold metrics of anomaly scores against labels (1 = anomaly). Plain Java, no Spark. */
public final class Metrics {

    /**
     * @param auroc area under the ROC curve (Mann-Whitney, ties count half)
     * @param auprc average precision: the mean precision at the rank of each anomaly
     * @param precisionAtThreshold share of rows scored above the threshold that are anomalies (NaN if none are)
     * @param recallAtThreshold share of anomalies scored above the threshold
     * @param k rows taken from the top of the ranking for the top-k figures
     */
    public record Result(long rows, long anomalies, double auroc, double auprc, double threshold,
                         double precisionAtThreshold, double recallAtThreshold, int k, double precisionAtK,
                         double recallAtK) {
    }

    private Metrics() {
    }

    /**
     * @param k the top-k cut; 0 or less means "the number of anomalies" (R-precision)
     */
    public static Result compute(double[] scores, int[] labels, double threshold, int k) {
        if (scores.length != labels.length) {
            throw new IllegalArgumentException(scores.length + " scores but " + labels.length + " labels");
        }
        int n = scores.length;
        long positives = Arrays.stream(labels).filter(l -> l == 1).count();
        long negatives = n - positives;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        // Descending score; ties keep input order, so results are deterministic.
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> -scores[i]));

        // AUROC from average ranks (ascending), ties sharing their mean rank.
        double rankSumPositives = 0;
        int i = n - 1;
        int rank = 1;
        while (i >= 0) {
            int j = i;
            while (j - 1 >= 0 && scores[order[j - 1]] == scores[order[i]]) {
                j--;
            }
            int tied = i - j + 1;
            double meanRank = rank + (tied - 1) / 2.0;
            for (int t = j; t <= i; t++) {
                if (labels[order[t]] == 1) {
                    rankSumPositives += meanRank;
                }
            }
            rank += tied;
            i = j - 1;
        }
        double auroc = positives == 0 || negatives == 0 ? Double.NaN
                : (rankSumPositives - positives * (positives + 1) / 2.0) / ((double) positives * negatives);

        double precisionSum = 0;
        long hits = 0;
        for (int r = 0; r < n; r++) {
            if (labels[order[r]] == 1) {
                hits++;
                precisionSum += (double) hits / (r + 1);
            }
        }
        double auprc = positives == 0 ? Double.NaN : precisionSum / positives;

        long flagged = 0;
        long truePositives = 0;
        for (int r = 0; r < n; r++) {
            if (scores[r] > threshold) {
                flagged++;
                truePositives += labels[r];
            }
        }
        int top = k > 0 ? Math.min(k, n) : (int) positives;
        long topHits = 0;
        for (int r = 0; r < top; r++) {
            topHits += labels[order[r]];
        }
        return new Result(n, positives, auroc, auprc, threshold,
                flagged == 0 ? Double.NaN : (double) truePositives / flagged,
                positives == 0 ? Double.NaN : (double) truePositives / positives,
                top, top == 0 ? Double.NaN : (double) topHits / top,
                positives == 0 ? Double.NaN : (double) topHits / positives);
    }
}
