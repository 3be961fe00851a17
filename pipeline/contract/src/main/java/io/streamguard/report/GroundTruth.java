package io.streamguard.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * {@code ground_truth.json}: which users of a synthetic data set were planted as anomalous, and how. Written by
 * the plugin's generator, read by the job and by {@code streamguard:evaluate} to measure detection.
 *
 * @param runId the run whose outputs this file was committed with (null in the generator's copy, before any run):
 *     {@code verify-report} checks it against the report's {@code run.run_id}
 */
public record GroundTruth(
        @JsonProperty("generator") String generator,
        @JsonProperty("seed") long seed,
        @JsonProperty("events") long events,
        @JsonProperty("users") int users,
        @JsonProperty("start") String start,
        @JsonProperty("end") String end,
        @JsonProperty("anomalous_users") List<PlantedUser> anomalousUsers,
        @JsonProperty("run_id") @JsonInclude(JsonInclude.Include.NON_NULL) String runId) {

    public static final String FILE = "ground_truth.json";

    /** The generator's ground truth, not yet committed with a run. */
    public GroundTruth(String generator, long seed, long events, int users, String start, String end,
                       List<PlantedUser> anomalousUsers) {
        this(generator, seed, events, users, start, end, anomalousUsers, null);
    }

    /** This ground truth as committed with the outputs of run {@code runId}. */
    public GroundTruth withRunId(String runId) {
        return new GroundTruth(generator, seed, events, users, start, end, anomalousUsers, runId);
    }

    public record PlantedUser(@JsonProperty("user") String user, @JsonProperty("behaviour") String behaviour) {
    }

    public byte[] toBytes() {
        return ReportJson.write(this);
    }

    public static GroundTruth read(InputStream in) throws IOException {
        return ReportJson.read(in, GroundTruth.class);
    }

    public static GroundTruth read(java.nio.file.Path file) throws IOException {
        try (InputStream in = java.nio.file.Files.newInputStream(file)) {
            return read(in);
        }
    }
}
