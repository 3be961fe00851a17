package io.streamguard.plugin.mojo;

import io.streamguard.plugin.PluginVersions;
import io.streamguard.plugin.launch.JobFailedException;
import io.streamguard.plugin.launch.JvmArgs;
import io.streamguard.plugin.launch.SparkJavaSupport;
import io.streamguard.plugin.launch.StreamGuardRunner;
import java.io.File;
import java.util.List;
import java.util.Optional;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Parameter;
import org.eclipse.aether.RepositorySystem;

/**
 * What the goals that fork a JVM share besides {@code skip}, the output directory and the resolver: the work
 * directory and extra JVM options.
 */
abstract class AbstractForkingMojo extends AbstractResolvingMojo {

    /** Scratch space of the forked JVMs and the embedded broker's data. */
    @Parameter(property = "streamguard.workDirectory", defaultValue = "${project.build.directory}/streamguard-work")
    File workDirectory;

    /**
     * Extra options of the forked JVM, e.g. {@code -Xmx4g}, after its own, so they win; a collector option
     * ({@code -XX:+UseG1GC}) replaces the fork's collector and its memory options (huge pages, and the young
     * generation of runs over 200,000 events), and a heap size other than {@code -Xmx} ({@code -Xms}, {@code -Xmn},
     * {@code -XX:MaxRAMPercentage}...) or an option of how objects age ({@code -XX:SurvivorRatio},
     * {@code -XX:MaxTenuringThreshold}...) replaces the young generation. On the command line, separate several with
     * commas ({@code -Dstreamguard.jvmArgs=-Xmx4g,-XX:StartFlightRecording=filename=run.jfr,settings=profile}): a
     * comma followed by something other than {@code -} belongs to the option before it.
     */
    @Parameter(property = "streamguard.jvmArgs")
    List<String> jvmArgs;

    AbstractForkingMojo(RepositorySystem repositorySystem) {
        super(repositorySystem);
    }

    StreamGuardRunner runner() {
        return new StreamGuardRunner(resolver(), PluginVersions.load(), new MavenConsole(getLog()));
    }

    /**
     * Fails before anything starts (broker, seeding, fork) when the JDK that runs Maven, which the Spark forks run
     * on, cannot run Spark 3.5; warns when it is newer than the one Spark supports.
     */
    void requireSparkCapableJava() throws MojoFailureException {
        requireSparkCapableJava(Runtime.version(), System.getProperty("java.home"));
    }

    void requireSparkCapableJava(Runtime.Version version, String javaHome) throws MojoFailureException {
        Optional<String> problem = SparkJavaSupport.problem(version, javaHome);
        if (problem.isPresent()) {
            throw new MojoFailureException(problem.get());
        }
        SparkJavaSupport.warning(version, javaHome).ifPresent(getLog()::warn);
    }

    /** The extra JVM options, with the commas Maven split a {@code -Dstreamguard.jvmArgs=} value at put back. */
    List<String> jvmArgs() throws MojoFailureException {
        try {
            return JvmArgs.rejoinCommas(jvmArgs == null ? List.of() : jvmArgs);
        } catch (IllegalArgumentException e) {
            throw new MojoFailureException(e.getMessage(), e);
        }
    }

    /**
     * A job that failed on bad configuration, an unreachable broker, a missing topic or too little data fails the
     * build ({@link MojoFailureException}); anything else is an error of StreamGuard ({@link MojoExecutionException}).
     */
    static Exception toMojoException(JobFailedException e) {
        return e.isUserError() ? new MojoFailureException(e.getMessage(), e)
                : new MojoExecutionException(e.getMessage(), e);
    }

    static void rethrow(JobFailedException e) throws MojoExecutionException, MojoFailureException {
        Exception mapped = toMojoException(e);
        if (mapped instanceof MojoFailureException failure) {
            throw failure;
        }
        throw (MojoExecutionException) mapped;
    }
}
