package io.streamguard.plugin.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChartsTest {

    static JmhResult read(String method, String maxEvents, long topicSize, double score, double error, String unit) {
        return new JmhResult("io.streamguard.benchmarks.KafkaReadBenchmark." + method, "ss",
                Map.of("maxEvents", maxEvents, "topicSize", Long.toString(topicSize)), score, error, unit);
    }

    @Test
    void oneSeriesPerBenchmarkAndMaxEventsWithErrorBarsAndReadableAxes() {
        String svg = Charts.readChart(List.of(
                read("boundedReadNewest", "1000", 10_000, 489, 40, "ms/op"),
                read("boundedReadNewest", "1000", 1_000_000, 450_000, 30_000, "us/op"),
                read("boundedReadNewest", "5000", 10_000, 700, 50, "ms/op"),
                read("boundedReadNewest", "5000", 1_000_000, 690, 50, "ms/op"),
                read("fullTopicReadThenLimit", "1000", 1_000_000, 31.585, 0.9, "s/op")));
        assertThat(svg).contains(">boundedReadNewest, maxEvents=1000<", ">boundedReadNewest, maxEvents=5000<",
                ">fullTopicReadThenLimit, maxEvents=1000<");
        assertThat(svg.split("<polyline", -1)).hasSize(4);
        assertThat(svg).as("converted to ms").contains("1,000,000 events: 450 ± 30.000 ms",
                "1,000,000 events: 31585 ± 900 ms");
        assertThat(svg).contains(">10k<", ">100k<", ">1M<", ">100 ms<", ">1 s<", ">10 s<", "time per read");
        assertThat(svg).doesNotContain("1e");
    }

    @Test
    void axisLabelsAreWordsNotExponents() {
        assertThat(Charts.events(1e7)).isEqualTo("10M");
        assertThat(Charts.events(1e4)).isEqualTo("10k");
        assertThat(Charts.millis(0.1)).isEqualTo("100 µs");
        assertThat(Charts.millis(1e5)).isEqualTo("100 s");
    }
}
