package io.streamguard.plugin.mojo;

import java.io.File;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugins.annotations.Parameter;

/** What every StreamGuard goal has: {@code skip} and the output directory the goals share. */
abstract class AbstractStreamGuardMojo extends AbstractMojo {

    /** Skips the goal. */
    @Parameter(property = "streamguard.skip", defaultValue = "false")
    boolean skip;

    /** Where {@code streamguard:run} commits its outputs and the other goals read or add to them. */
    @Parameter(property = "streamguard.outputDirectory", defaultValue = "${project.build.directory}/streamguard")
    File outputDirectory;

    /** True (and logged) when {@code streamguard.skip} is set. */
    boolean skipped(String goal) {
        return skipped(goal, false);
    }

    /**
     * True (and logged) when {@code streamguard.skip} is set, or {@code skipITs} for the goals that belong to the
     * integration tests (run, evaluate, and verify-report, which would otherwise fail on the run that did not happen).
     */
    boolean skipped(String goal, boolean skipITs) {
        if (skip) {
            getLog().info("streamguard.skip is set: skipping streamguard:" + goal);
        } else if (skipITs) {
            getLog().info("skipITs is set: skipping streamguard:" + goal);
        }
        return skip || skipITs;
    }
}
