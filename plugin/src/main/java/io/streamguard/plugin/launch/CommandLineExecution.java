package io.streamguard.plugin.launch;

import java.util.List;

/**
 * Maven's trap for command-line runs: {@code mvn streamguard:run} is the execution {@value #ID}, which sees the
 * plugin-level {@code <configuration>} only, never that of the POM's {@code <execution>}s. Brokers configured inside
 * an execution are therefore not seen, and the run silently falls back to the embedded broker's synthetic data.
 */
public final class CommandLineExecution {

    /** The id Maven gives a goal invoked on the command line. */
    public static final String ID = "default-cli";

    private CommandLineExecution() {
    }

    /**
     * @param executionId the running execution's id
     * @param executionsWithBrokers ids of the POM's executions of this plugin whose configuration sets
     *     {@code bootstrapServers}
     * @return the warning for a command-line run that falls back to the embedded broker while the POM configures
     *     brokers in executions it cannot see; null when that is not the case
     */
    public static String unseenBrokers(String executionId, List<String> executionsWithBrokers) {
        if (!ID.equals(executionId) || executionsWithBrokers.isEmpty()) {
            return null;
        }
        return "The POM sets bootstrapServers inside <execution> " + String.join(", ", executionsWithBrokers)
                + ", which `mvn streamguard:run` (execution " + ID + ") does not see: this run uses the embedded "
                + "broker's synthetic data. Move <bootstrapServers> to the plugin's own <configuration> (outside "
                + "<executions>), pass -Dstreamguard.bootstrapServers=..., or invoke that execution by its id: "
                + "mvn streamguard:run@" + executionsWithBrokers.get(0) + ".";
    }
}
