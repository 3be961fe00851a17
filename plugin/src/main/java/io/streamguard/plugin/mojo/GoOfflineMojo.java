package io.streamguard.plugin.mojo;

import io.streamguard.plugin.PluginVersions;
import io.streamguard.plugin.offline.OfflineClasspaths;
import java.util.List;
import javax.inject.Inject;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugins.annotations.Mojo;
import org.eclipse.aether.RepositorySystem;

/**
 * Resolves the classpaths the other goals resolve when they run (the Spark job's, the embedded Kafka broker's, the
 * JMH benchmarks') into the local repository, so that a later build with {@code -o} runs them.
 * {@code dependency:go-offline} cannot see these: they are no dependency of the project.
 */
@Mojo(name = "go-offline", aggregator = true, threadSafe = true)
public class GoOfflineMojo extends AbstractResolvingMojo {

    @Inject
    public GoOfflineMojo(RepositorySystem repositorySystem) {
        super(repositorySystem);
    }

    @Override
    public void execute() throws MojoExecutionException {
        if (skipped("go-offline")) {
            return;
        }
        try {
            List<OfflineClasspaths.Resolved> resolved = OfflineClasspaths.resolveAll(resolver(), PluginVersions.load(),
                    new MavenConsole(getLog()));
            resolved.forEach(r -> getLog().info("Resolved " + r.purpose() + ": " + r.jars().size() + " jars"));
            getLog().info(OfflineClasspaths.distinctJars(resolved) + " jars in the local repository: builds with -o "
                    + "can now run every streamguard goal.");
        } catch (IllegalStateException e) { // ClasspathResolver: names what could not be resolved
            throw new MojoExecutionException("streamguard:go-offline could not resolve everything: " + e.getMessage(),
                    e);
        }
    }
}
