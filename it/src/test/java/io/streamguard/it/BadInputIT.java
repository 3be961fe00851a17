package io.streamguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamguard.plugin.embedded.SyntheticEvents;
import io.streamguard.report.AnomalyReport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Every kind of bad record is counted and quarantined with its partition and offset; none crashes the job. */
@ExtendWith(KafkaBrokerExtension.class)
class BadInputIT {

    @TempDir
    Path temp;

    record Planted(String reason, byte[] value) {
    }

    @Test
    void badRecordsAreCountedAndQuarantinedAndGoodOnesScored(TestBroker broker) throws IOException {
        String topic = "dirty";
        // Topic and producer accept a 1 MB record, as a careless producer elsewhere might.
        broker.createTopic(topic, 2, Map.of("max.message.bytes", "2097152"));
        byte[] invalidUtf8 = {'{', '"', 'u', 's', 'e', 'r', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        List<Planted> bad = List.of(
                new Planted("not_json", bytes("this is not json")),
                new Planted("not_json", bytes("{\"user\":\"u1\",\"timestamp\":17")),
                new Planted("not_json", bytes("[{\"user\":\"u1\",\"timestamp\":1700000000000}]")),
                new Planted("not_json", bytes("42")),
                new Planted("missing_user", bytes("{\"timestamp\":1700000000000,\"event_type\":\"dns_query\"}")),
                new Planted("missing_timestamp", bytes("{\"user\":\"u1\",\"event_type\":\"dns_query\"}")),
                new Planted("wrong_type", bytes("{\"user\":\"u1\",\"timestamp\":1700000000000,\"threat_score\":\"high\"}")),
                new Planted("wrong_type", bytes("{\"user\":\"u1\",\"timestamp\":\"2026-01-01T00:00:00Z\"}")),
                new Planted("wrong_type", bytes("{\"user\":{\"id\":1},\"timestamp\":1700000000000}")),
                // Crashed every run that read it (log1p of a negative byte count is null in VectorAssembler).
                new Planted("negative_bytes", bytes("{\"user\":\"u1\",\"timestamp\":1700000000000,"
                        + "\"metadata\":{\"bytes_transferred\":-5}}")),
                new Planted("threat_score_out_of_range",
                        bytes("{\"user\":\"u1\",\"timestamp\":1700000000000,\"threat_score\":7.5}")),
                new Planted("oversized", bytes("{\"user\":\"u1\",\"timestamp\":1700000000000,\"pad\":\""
                        + "x".repeat(1_048_576) + "\"}")),
                new Planted("invalid_utf8", invalidUtf8),
                new Planted("not_json", new byte[0]),
                new Planted("null_value", null));
        List<SyntheticEvents.Event> good = Events.sorted(3_000, 21);
        Map<String, Long> plantedByReason = new HashMap<>();
        bad.forEach(b -> plantedByReason.merge(b.reason(), 1L, Long::sum));
        // partition -> offset -> planted reason, for checking the quarantine
        Map<String, String> expectedAt = new HashMap<>();
        long[] next = {0, 0};
        Events.produce(broker.bootstrapServers(), Map.of("max.request.size", 2_097_152), p -> {
            for (int i = 0; i < good.size(); i++) {
                int partition = i % 2;
                p.send(Events.record(topic, partition, good.get(i)));
                next[partition]++;
                if (i % 200 == 0 && i / 200 < bad.size()) {
                    Planted b = bad.get(i / 200);
                    int bp = (i / 200) % 2;
                    p.send(Events.raw(topic, bp, null, b.value()));
                    expectedAt.put(bp + "/" + next[bp], b.reason());
                    next[bp]++;
                }
            }
        });

        Path out = temp.resolve("out");
        AnomalyReport r = Jobs.run(broker.bootstrapServers(), topic, out,
                Jobs.Options.defaults().maxEvents(-1).startFrom("oldest")).report();
        assertThat(r.eventsRead()).isEqualTo(good.size() + bad.size());
        assertThat(r.malformedEvents()).isEqualTo(bad.size());
        assertThat(r.malformedByReason()).isEqualTo(plantedByReason);
        assertThat(r.totalUsers()).isEqualTo(20);

        List<JsonNode> quarantined = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        try (Stream<Path> files = Files.walk(out.resolve("quarantine"))) {
            for (Path f : files.filter(x -> x.getFileName().toString().endsWith(".json")).toList()) {
                for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                    quarantined.add(json.readTree(line));
                }
            }
        }
        assertThat(quarantined).hasSize(bad.size());
        for (JsonNode q : quarantined) {
            String key = q.get("partition").asInt() + "/" + q.get("offset").asLong();
            assertThat(q.get("reason").asText()).as("reason of %s", key).isEqualTo(expectedAt.get(key));
            assertThat(q.get("topic").asText()).isEqualTo(topic);
        }
        JsonNode utf8 = quarantined.stream().filter(q -> q.get("reason").asText().equals("invalid_utf8"))
                .findFirst().orElseThrow();
        assertThat(Base64.getDecoder().decode(utf8.get("value_bytes").asText())).isEqualTo(invalidUtf8);
        JsonNode tombstone = quarantined.stream().filter(q -> q.get("reason").asText().equals("null_value"))
                .findFirst().orElseThrow();
        assertThat(tombstone.has("value_bytes")).isFalse();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
