package io.streamguard.plugin.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * One result of JMH's JSON output ({@code -rf json}): a benchmark, its parameters and its primary metric.
 *
 * @param error the 99.9 % confidence half-width JMH reports; NaN when it could not compute one (a single sample)
 */
public record JmhResult(String benchmark, String mode, Map<String, String> params, double score, double error,
                        String unit) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Benchmark and parameters: what a baseline is matched on. */
    public String key() {
        return params.isEmpty() ? benchmark : benchmark + " " + params.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
    }

    /** The method name alone, e.g. {@code boundedReadNewest}. */
    public String method() {
        return benchmark.substring(benchmark.lastIndexOf('.') + 1);
    }

    /** Time per operation is better lower; operations per time is better higher. */
    public boolean lowerIsBetter() {
        return unit.endsWith("/op");
    }

    public static List<JmhResult> read(Path file) throws IOException {
        JsonNode root = JSON.readTree(file.toFile());
        if (root == null || !root.isArray()) {
            throw new IOException(file + " is not JMH JSON output (expected an array of results)");
        }
        List<JmhResult> results = new ArrayList<>();
        for (JsonNode n : root) {
            Map<String, String> params = new TreeMap<>();
            JsonNode p = n.get("params");
            if (p != null) {
                p.fields().forEachRemaining(e -> params.put(e.getKey(), e.getValue().asText()));
            }
            JsonNode metric = n.get("primaryMetric");
            if (metric == null || n.get("benchmark") == null) {
                throw new IOException(file + " holds a result without benchmark or primaryMetric");
            }
            results.add(new JmhResult(n.get("benchmark").asText(), n.path("mode").asText(), params,
                    number(metric.get("score")), number(metric.get("scoreError")), metric.path("scoreUnit").asText()));
        }
        return results;
    }

    /** JMH writes "NaN" as a string when it has no error estimate. */
    private static double number(JsonNode n) {
        if (n == null || n.isNull()) {
            return Double.NaN;
        }
        return n.isNumber() ? n.asDouble() : parse(n.asText());
    }

    private static double parse(String s) {
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }
}
