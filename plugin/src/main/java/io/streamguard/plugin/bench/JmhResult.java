package io.streamguard.plugin.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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

    /** JMH's time units in nanoseconds: whole numbers, so conversions between them are exact ratios. */
    private static final Map<String, Long> NANOS = Map.of("ns", 1L, "us", 1_000L, "ms", 1_000_000L,
            "s", 1_000_000_000L, "min", 60_000_000_000L, "hr", 3_600_000_000_000L, "day", 86_400_000_000_000L);

    /** Benchmark, mode and parameters: what a baseline or a history entry is matched on. */
    public String key() {
        return benchmark + " [" + mode + "]" + (params.isEmpty() ? "" : " " + paramsText());
    }

    /** {@code maxEvents=1000,topicSize=10000}: the parameters in name order. */
    public String paramsText() {
        return params.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
    }

    /**
     * This result in another unit of the same kind (ms/op from us/op, ops/s from ops/ms), score and error scaled.
     *
     * @throws IllegalArgumentException when the units measure different things (time per op against ops per time)
     */
    public JmhResult in(String target) {
        if (target.equals(unit)) {
            return this;
        }
        double factor = factor(unit, target);
        return new JmhResult(benchmark, mode, params, score * factor, error * factor, target);
    }

    /** Whether {@link #in} can convert between the two units. */
    public static boolean convertible(String from, String to) {
        try {
            factor(from, to);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** What one {@code from} is in {@code to}: 1 ms/op = 1000 us/op; 1 ops/ms = 1000 ops/s. */
    static double factor(String from, String to) {
        String[] f = from.split("/");
        String[] t = to.split("/");
        if (f.length == 2 && t.length == 2 && f[1].equals("op") && t[1].equals("op")
                && NANOS.containsKey(f[0]) && NANOS.containsKey(t[0])) {
            return (double) NANOS.get(f[0]) / NANOS.get(t[0]);
        }
        if (f.length == 2 && t.length == 2 && f[0].equals(t[0]) && NANOS.containsKey(f[1])
                && NANOS.containsKey(t[1])) {
            return (double) NANOS.get(t[1]) / NANOS.get(f[1]);
        }
        throw new IllegalArgumentException("cannot convert " + from + " to " + to);
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
        try {
            return fromJson(root);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + " " + e.getMessage(), e);
        }
    }

    /** Results from JMH's JSON array (also what a history entry holds: the same field names). */
    static List<JmhResult> fromJson(JsonNode root) {
        List<JmhResult> results = new ArrayList<>();
        for (JsonNode n : root) {
            Map<String, String> params = new TreeMap<>();
            JsonNode p = n.get("params");
            if (p != null) {
                p.fields().forEachRemaining(e -> params.put(e.getKey(), e.getValue().asText()));
            }
            JsonNode metric = n.get("primaryMetric");
            if (metric == null || n.get("benchmark") == null) {
                throw new IllegalArgumentException("holds a result without benchmark or primaryMetric");
            }
            results.add(new JmhResult(n.get("benchmark").asText(), n.path("mode").asText(), params,
                    number(metric.get("score")), number(metric.get("scoreError")), metric.path("scoreUnit").asText()));
        }
        return results;
    }

    /** JMH's own JSON shape (benchmark, mode, params, primaryMetric), which {@link #fromJson} reads back. */
    static ArrayNode toJson(List<JmhResult> results) {
        ArrayNode array = JSON.createArrayNode();
        for (JmhResult r : results) {
            ObjectNode n = array.addObject();
            n.put("benchmark", r.benchmark());
            n.put("mode", r.mode());
            ObjectNode params = n.putObject("params");
            r.params().forEach(params::put);
            ObjectNode metric = n.putObject("primaryMetric");
            putNumber(metric, "score", r.score());
            putNumber(metric, "scoreError", r.error());
            metric.put("scoreUnit", r.unit());
        }
        return array;
    }

    private static void putNumber(ObjectNode o, String field, double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            o.put(field, String.valueOf(value)); // as JMH writes it: "NaN"
        } else {
            o.put(field, value);
        }
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
