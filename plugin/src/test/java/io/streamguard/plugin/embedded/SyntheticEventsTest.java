package io.streamguard.plugin.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SyntheticEventsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<SyntheticEvents.Event> generate(SyntheticEvents events) {
        List<SyntheticEvents.Event> out = new ArrayList<>();
        events.forEach(out::add);
        return out;
    }

    @Test
    void theSameConfigurationGivesTheSameEventsAndExactlyTheRequestedCount() {
        List<SyntheticEvents.Event> a = generate(new SyntheticEvents(SyntheticEvents.Config.defaults(20_000)));
        List<SyntheticEvents.Event> b = generate(new SyntheticEvents(SyntheticEvents.Config.defaults(20_000)));
        assertThat(a).hasSize(20_000).isEqualTo(b);
        SyntheticEvents.Config other = new SyntheticEvents.Config(20_000, 7, SyntheticEvents.Config.DEFAULT_END,
                java.time.Duration.ofDays(7), 0.05);
        assertThat(generate(new SyntheticEvents(other))).isNotEqualTo(a);
    }

    @Test
    void everyEventFollowsTheDocumentedFormat() throws Exception {
        SyntheticEvents events = new SyntheticEvents(SyntheticEvents.Config.defaults(5_000));
        Set<String> types = Set.of("auth_attempt", "network_connection", "file_access", "process_execution",
                "dns_query");
        Set<String> statuses = Set.of("success", "failed", "blocked", "pending");
        Instant start = SyntheticEvents.Config.DEFAULT_END.minus(java.time.Duration.ofDays(7));
        for (SyntheticEvents.Event e : generate(events)) {
            JsonNode n = JSON.readTree(e.json());
            assertThat(n.get("event_id").asText()).startsWith("evt-");
            assertThat(n.get("user").asText()).isEqualTo(e.user());
            assertThat(n.get("timestamp").asLong()).isEqualTo(e.timestamp())
                    .isBetween(start.toEpochMilli(), SyntheticEvents.Config.DEFAULT_END.toEpochMilli());
            assertThat(types).contains(n.get("event_type").asText());
            assertThat(statuses).contains(n.get("status").asText());
            assertThat(n.get("threat_score").asDouble()).isBetween(0.0, 1.0);
            assertThat(n.at("/metadata/geo_location").asText()).hasSize(2);
            assertThat(n.at("/metadata/bytes_transferred").asLong()).isNotNegative();
            assertThat(n.get("source_ip").asText()).matches("\\d+\\.\\d+\\.\\d+\\.\\d+");
        }
    }

    @Test
    void plantedUsersCoverEveryBehaviourAndBehaveAsPlanted() throws Exception {
        SyntheticEvents events = new SyntheticEvents(SyntheticEvents.Config.defaults(40_000));
        assertThat(events.users()).hasSize(100);
        List<SyntheticEvents.User> planted = events.anomalousUsers();
        assertThat(planted).hasSize(5);
        Set<SyntheticEvents.Behaviour> behaviours = EnumSet.noneOf(SyntheticEvents.Behaviour.class);
        planted.forEach(u -> behaviours.add(u.behaviour()));
        assertThat(behaviours).containsExactlyInAnyOrder(SyntheticEvents.Behaviour.values());

        Map<String, SyntheticEvents.Behaviour> byUser = new HashMap<>();
        planted.forEach(u -> byUser.put(u.name(), u.behaviour()));
        Map<String, int[]> offHours = new HashMap<>();
        long maxBytesNormal = 0;
        long maxBytesExfil = 0;
        for (SyntheticEvents.Event e : generate(events)) {
            int hour = Instant.ofEpochMilli(e.timestamp()).atZone(ZoneOffset.UTC).getHour();
            long bytes = JSON.readTree(e.json()).at("/metadata/bytes_transferred").asLong();
            SyntheticEvents.Behaviour b = byUser.get(e.user());
            int[] counts = offHours.computeIfAbsent(e.user(), k -> new int[2]);
            counts[hour < 6 ? 1 : 0]++;
            if (b == null) {
                assertThat(hour).as("normal users are active 06-22 UTC").isBetween(6, 21);
                maxBytesNormal = Math.max(maxBytesNormal, bytes);
            } else if (b == SyntheticEvents.Behaviour.EXFILTRATION) {
                maxBytesExfil = Math.max(maxBytesExfil, bytes);
            }
        }
        String offHoursUser = planted.stream().filter(u -> u.behaviour() == SyntheticEvents.Behaviour.OFF_HOURS)
                .findFirst().orElseThrow().name();
        int[] c = offHours.get(offHoursUser);
        assertThat((double) c[1] / (c[0] + c[1])).as("share of night events").isBetween(0.3, 0.7);
        assertThat(maxBytesExfil).isGreaterThan(50_000_000L).isGreaterThan(100 * maxBytesNormal / 10);
    }

    @Test
    void groundTruthNamesThePlantedUsersAndTheirBehaviour() {
        SyntheticEvents events = new SyntheticEvents(SyntheticEvents.Config.defaults(40_000));
        io.streamguard.report.GroundTruth truth = events.groundTruth();
        assertThat(truth.events()).isEqualTo(40_000);
        assertThat(truth.users()).isEqualTo(100);
        assertThat(truth.anomalousUsers()).extracting(io.streamguard.report.GroundTruth.PlantedUser::behaviour)
                .containsExactlyInAnyOrder("brute_force", "off_hours", "exfiltration", "new_countries",
                        "suspicious_process");
        assertThat(truth.start()).isEqualTo("2025-12-25T00:00:00Z");
    }
}
