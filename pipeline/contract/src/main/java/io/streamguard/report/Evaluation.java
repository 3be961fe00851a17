package io.streamguard.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/**
 * {@code evaluation.json}: how well the detector ranked labelled rows (a labelled CSV) or users (a run with
 * ground truth). Undefined figures (no anomalies, nothing flagged) are null.
 *
 * @param trainFraction the share of rows the forest was fitted on (the rest were scored); null when it was fitted
 *     on, and scored, every row
 * @param byBehaviour for ground truth: each planted behaviour's users against the normal users
 * @param runId for ground truth: the run whose users were scored ({@code verify-report} checks it against the report
 *     beside it); null for a labelled CSV
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder({"source", "dataset", "train_fraction", "rows", "anomalies", "auroc", "auprc", "threshold",
        "precision_at_threshold", "recall_at_threshold", "k", "precision_at_k", "recall_at_k", "parameters",
        "by_behaviour", "run_id"})
public record Evaluation(
        @JsonProperty("source") String source,
        @JsonProperty("dataset") String dataset,
        @JsonProperty("train_fraction") Double trainFraction,
        @JsonProperty("rows") long rows,
        @JsonProperty("anomalies") long anomalies,
        @JsonProperty("auroc") Double auroc,
        @JsonProperty("auprc") Double auprc,
        @JsonProperty("threshold") Double threshold,
        @JsonProperty("precision_at_threshold") Double precisionAtThreshold,
        @JsonProperty("recall_at_threshold") Double recallAtThreshold,
        @JsonProperty("k") int k,
        @JsonProperty("precision_at_k") Double precisionAtK,
        @JsonProperty("recall_at_k") Double recallAtK,
        @JsonProperty("parameters") Map<String, Object> parameters,
        @JsonProperty("by_behaviour") Map<String, BehaviourScore> byBehaviour,
        @JsonProperty("run_id") String runId) {

    public static final String FILE = "evaluation.json";

    /** This evaluation as committed with the outputs of run {@code runId}. */
    public Evaluation withRunId(String runId) {
        return new Evaluation(source, dataset, trainFraction, rows, anomalies, auroc, auprc, threshold,
                precisionAtThreshold, recallAtThreshold, k, precisionAtK, recallAtK, parameters, byBehaviour, runId);
    }

    /** One planted behaviour: how many users showed it and how well they ranked above normal users. */
    public record BehaviourScore(@JsonProperty("users") long users, @JsonProperty("auroc") Double auroc) {
    }

    public byte[] toBytes() {
        return ReportJson.write(this);
    }

    public static Evaluation read(InputStream in) throws IOException {
        return ReportJson.read(in, Evaluation.class);
    }

    /** NaN (undefined) becomes null in JSON. */
    public static Double defined(double value) {
        return Double.isNaN(value) ? null : value;
    }
}
