package io.streamguard.plugin.launch;

import java.util.ArrayList;
import java.util.List;

/** The forked JVMs' extra options as the user meant them. */
public final class JvmArgs {

    private JvmArgs() {
    }

    /**
     * Maven splits a list parameter given as a property ({@code -Dstreamguard.jvmArgs=a,b}) at every comma, but JVM
     * options hold commas of their own: {@code -XX:StartFlightRecording=filename=run.jfr,settings=profile},
     * {@code -agentlib:jdwp=transport=dt_socket,server=y,suspend=n}, {@code -Dlist=a,b}. Every JVM option starts with
     * {@code -}, so a piece that does not is the rest of the option before it, and is joined back to it with the
     * comma Maven took out. Options that start with {@code -} stay separate ({@code -Xmx4g,-XX:+UseG1GC} is two).
     * The POM's list form ({@code <jvmArgs><jvmArg>…</jvmArg></jvmArgs>}) is not split by Maven and passes as is.
     *
     * @throws IllegalArgumentException when the first option does not start with {@code -}, naming it
     */
    public static List<String> rejoinCommas(List<String> fromMaven) {
        List<String> options = new ArrayList<>();
        for (String piece : fromMaven) {
            String text = piece == null ? "" : piece;
            if (text.strip().startsWith("-")) {
                options.add(text.strip());
            } else if (!options.isEmpty()) {
                // Empty pieces too: "vm,,double.log" had two commas.
                options.set(options.size() - 1, options.get(options.size() - 1) + "," + text);
            } else if (!text.isBlank()) {
                throw new IllegalArgumentException("jvmArgs: '" + text.strip() + "' is not a JVM option (they start "
                        + "with '-', e.g. -Xmx4g). Separate several with commas, or list them in the POM as "
                        + "<jvmArgs><jvmArg>-Xmx4g</jvmArg></jvmArgs>.");
            }
        }
        return List.copyOf(options);
    }
}
