package io.streamguard.plugin.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Reads JMH's console output line by line for what went wrong. JMH exits 0 when a benchmark throws in its setup or
 * in a trial, and when a fork dies: it prints {@code <failure>} or {@code <forked VM failed ...>}, skips the benchmark
 * and leaves it out of {@code results.json}. The exit code alone would let a crashed benchmark pass.
 */
public final class JmhOutput implements Consumer<String> {

    /** A benchmark (with its parameters) that did not produce a result, and the first line of why. */
    public record Failure(String benchmark, Map<String, String> params, String cause) {

        public Failure {
            params = Map.copyOf(new TreeMap<>(params));
        }

        public String describe() {
            String name = benchmark.substring(benchmark.lastIndexOf('.', benchmark.lastIndexOf('.') - 1) + 1);
            String p = params.isEmpty() ? "" : " (" + new TreeMap<>(params).entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", ")) + ")";
            return name + p + ": " + cause;
        }
    }

    private final List<Failure> failures = new ArrayList<>();
    private String benchmark = "(before the first benchmark)";
    private Map<String, String> params = Map.of();
    private String pendingCause;
    private boolean awaitingCause;
    private boolean inForkStderr;

    @Override
    public void accept(String rawLine) {
        String line = rawLine.strip();
        if (line.startsWith("# Benchmark: ")) {
            flushForkFailure();
            benchmark = line.substring("# Benchmark: ".length()).strip();
            params = Map.of();
        } else if (line.startsWith("# Parameters: (") && line.endsWith(")")) {
            params = parameters(line.substring("# Parameters: (".length(), line.length() - 1));
        } else if (line.endsWith("<failure>")) {
            awaitingCause = true;
        } else if (line.startsWith("<forked VM failed")) {
            pendingCause = line.substring(1, line.indexOf('>') > 0 ? line.indexOf('>') : line.length());
        } else if (pendingCause != null && line.startsWith("<stderr")) {
            inForkStderr = true;
        } else if (pendingCause != null && line.startsWith("</stderr>")) {
            flushForkFailure();
        } else if (awaitingCause && !line.isEmpty()) {
            failures.add(new Failure(benchmark, params, line));
            awaitingCause = false;
        } else if (inForkStderr && !line.isEmpty() && !pendingCause.contains(": ")) {
            pendingCause = pendingCause + ": " + line;
        }
    }

    private void flushForkFailure() {
        if (pendingCause != null) {
            failures.add(new Failure(benchmark, params, pendingCause));
        }
        pendingCause = null;
        inForkStderr = false;
    }

    /** Failures seen so far (a fork failure whose stderr block never closed included). */
    public List<Failure> failures() {
        flushForkFailure();
        if (awaitingCause) {
            failures.add(new Failure(benchmark, params, "<failure> without a cause in JMH's output"));
            awaitingCause = false;
        }
        return List.copyOf(failures);
    }

    /** {@code maxEvents = 1000, topicSize = 10000} as JMH prints it. */
    static Map<String, String> parameters(String text) {
        Map<String, String> result = new LinkedHashMap<>();
        for (String pair : text.split(",")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                result.put(pair.substring(0, eq).strip(), pair.substring(eq + 1).strip());
            }
        }
        return result;
    }

    /** A benchmark and one combination of its parameters, as JMH will run it. */
    public record Expected(String benchmark, Map<String, String> params) {

        public Expected {
            params = Map.copyOf(params);
        }

        boolean producedBy(JmhResult result) {
            return result.benchmark().equals(benchmark) && result.params().equals(params);
        }

        boolean failedIn(Failure failure) {
            return failure.benchmark().equals(benchmark) && failure.params().equals(params);
        }
    }

    /**
     * Every benchmark and parameter combination JMH's {@code -lp} listing promises (the include filter and the
     * {@code -p} overrides applied), i.e. what {@code results.json} must hold after the run.
     */
    /**
     * A benchmark in JMH's listing: a fully qualified method name. Anything else on the listing's output (the JVM's
     * "Picked up JAVA_TOOL_OPTIONS: …", warnings) is not a benchmark the run must produce.
     */
    private static final java.util.regex.Pattern BENCHMARK_NAME =
            java.util.regex.Pattern.compile("[\\p{javaJavaIdentifierStart}][\\p{javaJavaIdentifierPart}]*"
                    + "(\\.[\\p{javaJavaIdentifierStart}][\\p{javaJavaIdentifierPart}]*)+");

    public static List<Expected> expected(List<String> listing) {
        List<Expected> expected = new ArrayList<>();
        String current = null;
        Map<String, List<String>> values = new TreeMap<>();
        for (String raw : listing) {
            String line = raw.stripTrailing();
            if (line.isBlank() || line.startsWith("Benchmarks:")) {
                continue;
            }
            if (line.startsWith("  param \"") && current != null) {
                String name = line.substring("  param \"".length(), line.indexOf('"', "  param \"".length()));
                String list = line.substring(line.indexOf('{') + 1, line.lastIndexOf('}'));
                values.put(name, List.of(list.split(",\\s*")));
            } else if (BENCHMARK_NAME.matcher(line).matches()) {
                if (current != null) {
                    expand(current, values, expected);
                }
                current = line.strip();
                values = new TreeMap<>();
            }
        }
        if (current != null) {
            expand(current, values, expected);
        }
        return expected;
    }

    private static void expand(String benchmark, Map<String, List<String>> values, List<Expected> into) {
        List<Map<String, String>> combinations = new ArrayList<>(List.of(Map.of()));
        values.forEach((name, options) -> {
            List<Map<String, String>> next = new ArrayList<>();
            for (Map<String, String> c : combinations) {
                for (String v : options) {
                    Map<String, String> m = new TreeMap<>(c);
                    m.put(name, v.strip());
                    next.add(m);
                }
            }
            combinations.clear();
            combinations.addAll(next);
        });
        combinations.forEach(c -> into.add(new Expected(benchmark, c)));
    }

    /**
     * Every expected benchmark that has no result or failed: the failures JMH printed, and a failure for each
     * expected result that is simply absent (a JMH crash, a killed fork).
     */
    public static List<Failure> missing(List<Expected> expected, List<JmhResult> results, List<Failure> printed) {
        List<Failure> failures = new ArrayList<>(printed);
        for (Expected e : expected) {
            boolean hasResult = results.stream().anyMatch(e::producedBy);
            boolean reported = printed.stream().anyMatch(e::failedIn);
            if (!hasResult && !reported) {
                failures.add(new Failure(e.benchmark(), e.params(), "no result in results.json (see JMH's output in "
                        + BenchmarkRunner.JMH_OUTPUT + ")"));
            }
        }
        return failures;
    }
}
