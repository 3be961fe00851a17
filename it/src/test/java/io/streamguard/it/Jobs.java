package io.streamguard.it;

import io.streamguard.plugin.Console;
import io.streamguard.plugin.PluginVersions;
import io.streamguard.plugin.StandaloneResolver;
import io.streamguard.plugin.launch.RunRequest;
import io.streamguard.plugin.launch.StreamGuardRunner;
import io.streamguard.spec.RunSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** Runs the job the way {@code streamguard:run} does (forked JVM), recording everything it prints. */
final class Jobs {

    private Jobs() {
    }

    /** Options of one run; defaults match the plugin's except a short Kafka timeout. */
    record Options(long maxEvents, String startFrom, String until, Map<String, String> kafkaProperties,
                   double contamination, Duration kafkaTimeout) {

        static Options defaults() {
            return new Options(10_000, "newest", null, Map.of(), 0.1, Duration.ofSeconds(10));
        }

        Options maxEvents(long n) {
            return new Options(n, startFrom, until, kafkaProperties, contamination, kafkaTimeout);
        }

        Options startFrom(String s) {
            return new Options(maxEvents, s, until, kafkaProperties, contamination, kafkaTimeout);
        }

        Options until(String u) {
            return new Options(maxEvents, startFrom, u, kafkaProperties, contamination, kafkaTimeout);
        }

        Options kafka(Map<String, String> properties) {
            return new Options(maxEvents, startFrom, until, properties, contamination, kafkaTimeout);
        }

        Options contamination(double c) {
            return new Options(maxEvents, startFrom, until, kafkaProperties, c, kafkaTimeout);
        }

        Options kafkaTimeout(Duration d) {
            return new Options(maxEvents, startFrom, until, kafkaProperties, contamination, d);
        }
    }

    /** Everything a run printed, in order (the job's own lines and the runner's). */
    static final class Recording implements Console {
        final List<String> lines = Collections.synchronizedList(new ArrayList<>());
        private final Consumer<String> onLine;

        Recording(Consumer<String> onLine) {
            this.onLine = onLine;
        }

        @Override
        public void info(String message) {
            record(message);
        }

        @Override
        public void warn(String message) {
            record(message);
        }

        @Override
        public void debug(String message) {
            record(message);
        }

        private void record(String message) {
            lines.add(message);
            System.err.println(message);
            onLine.accept(message);
        }

        String text() {
            synchronized (lines) {
                return String.join("\n", lines);
            }
        }
    }

    static StreamGuardRunner.Outcome run(String bootstrap, String topic, Path output, Options o, Recording console) {
        RunRequest request = RunRequest.builder().set(RunSpec.BOOTSTRAP_SERVERS, bootstrap).set(RunSpec.TOPIC, topic)
                .set(RunSpec.MAX_EVENTS, o.maxEvents()).set(RunSpec.START_FROM, o.startFrom())
                .set(RunSpec.UNTIL, o.until()).outputDirectory(output).set(RunSpec.MASTER, "local[2]")
                .kafkaProperties(o.kafkaProperties()).set(RunSpec.KAFKA_TIMEOUT_MS, o.kafkaTimeout().toMillis())
                .set(RunSpec.CONTAMINATION, o.contamination()).set(RunSpec.NUM_TREES, 50)
                .jvmArgs(List.of("-Xmx768m")).embeddedEvents(0)
                .workDirectory(output.resolveSibling(output.getFileName() + "-work")).buildUnchecked();
        return new StreamGuardRunner(StandaloneResolver.create(), PluginVersions.load(), console).run(request);
    }

    static StreamGuardRunner.Outcome run(String bootstrap, String topic, Path output, Options o) {
        return run(bootstrap, topic, output, o, new Recording(line -> { }));
    }
}
