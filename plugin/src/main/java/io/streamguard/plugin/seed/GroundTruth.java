package io.streamguard.plugin.seed;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/** {@code ground_truth.json}: which synthetic users were planted as anomalous, and how. */
public record GroundTruth(
        @JsonProperty("generator") String generator,
        @JsonProperty("seed") long seed,
        @JsonProperty("events") long events,
        @JsonProperty("users") int users,
        @JsonProperty("start") String start,
        @JsonProperty("end") String end,
        @JsonProperty("anomalous_users") List<PlantedUser> anomalousUsers) {

    public static final String FILE = "ground_truth.json";

    public record PlantedUser(@JsonProperty("user") String user, @JsonProperty("behaviour") String behaviour) {
    }

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public static GroundTruth of(SyntheticEvents events) {
        SyntheticEvents.Config c = events.config();
        return new GroundTruth("streamguard-synthetic-v1", c.seed(), c.events(), events.users().size(),
                c.end().minus(c.span()).toString(), c.end().toString(),
                events.anomalousUsers().stream().map(u -> new PlantedUser(u.name(), u.behaviour().id())).toList());
    }

    /** Writes to a temporary sibling, then renames: readers never see half a file. */
    public void writeTo(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        MAPPER.writeValue(tmp.toFile(), this);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    public static GroundTruth read(Path file) throws IOException {
        return MAPPER.readValue(file.toFile(), GroundTruth.class);
    }
}
