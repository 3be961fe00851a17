package io.streamguard.plugin.launch;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.aether.DefaultRepositorySystemSession;
import org.eclipse.aether.RepositorySystem;
import org.eclipse.aether.RepositorySystemSession;
import org.eclipse.aether.artifact.DefaultArtifact;
import org.eclipse.aether.collection.CollectRequest;
import org.eclipse.aether.graph.Dependency;
import org.eclipse.aether.graph.DependencyFilter;
import org.eclipse.aether.repository.RemoteRepository;
import org.eclipse.aether.resolution.ArtifactResult;
import org.eclipse.aether.resolution.DependencyRequest;
import org.eclipse.aether.resolution.DependencyResolutionException;

/**
 * Resolves the classpath of a forked JVM (the Spark job, the Kafka broker, JMH) at run time through the Maven
 * Resolver API, so none of it lands on the plugin's own classpath. In a mojo the repository system and session are
 * Maven's own (settings, mirrors and offline mode apply); tests build a standalone one.
 */
public final class ClasspathResolver {

    private static final DependencyFilter RUNTIME = (node, parents) -> {
        Dependency d = node.getDependency();
        if (d == null) {
            return true;
        }
        String scope = d.getScope();
        return !d.isOptional() && (scope.isEmpty() || scope.equals("compile") || scope.equals("runtime"));
    };

    /** Maven Resolver's setting of how it collects a dependency graph: {@code df} (its default) or {@code bf}. */
    static final String COLLECTOR = "aether.dependencyCollector.impl";
    /**
     * The breadth-first collector (Maven Resolver 1.8 and later: Maven 3.9; older ones ignore the setting) skips what it
     * has already collected: the job's graph of Spark's dependencies has 432 nodes that way instead of 530, for the same
     * classpath in the same order (ClasspathResolverTest). Resolving it is most of the plugin's time before the fork:
     * from the goal's start to the fork 1.32-1.38 s instead of 1.59-1.73 s, 3 interleaved pairs, Maven 3.9.11.
     */
    static final String BREADTH_FIRST = "bf";

    private final RepositorySystem system;
    private final RepositorySystemSession session;
    private final List<RemoteRepository> repositories;

    /** @param session Maven's session; collecting breadth-first unless it chose a collector ({@link #COLLECTOR}) */
    public ClasspathResolver(RepositorySystem system, RepositorySystemSession session,
                             List<RemoteRepository> repositories) {
        this.system = system;
        this.session = session.getConfigProperties().containsKey(COLLECTOR) ? session : breadthFirst(session);
        this.repositories = List.copyOf(repositories);
    }

    private static RepositorySystemSession breadthFirst(RepositorySystemSession session) {
        DefaultRepositorySystemSession copy = new DefaultRepositorySystemSession(session);
        copy.setConfigProperty(COLLECTOR, BREADTH_FIRST);
        return copy;
    }

    /** The collector this resolver's session asks for. */
    Object collector() {
        return session.getConfigProperties().get(COLLECTOR);
    }

    /**
     * @param coordinates {@code groupId:artifactId:version} roots, resolved with their runtime dependencies
     * @param managedVersions {@code groupId:artifactId} to the version every occurrence in the graph must take
     * @return jar files in resolution order, roots first
     */
    public List<Path> resolve(List<String> coordinates, Map<String, String> managedVersions) {
        CollectRequest collect = new CollectRequest();
        for (String coordinate : coordinates) {
            collect.addDependency(new Dependency(new DefaultArtifact(coordinate), "runtime"));
        }
        managedVersions.forEach((ga, version) ->
                collect.addManagedDependency(new Dependency(new DefaultArtifact(ga + ":" + version), "runtime")));
        collect.setRepositories(repositories);
        try {
            List<Path> jars = new ArrayList<>();
            for (ArtifactResult result : system.resolveDependencies(session, new DependencyRequest(collect, RUNTIME))
                    .getArtifactResults()) {
                jars.add(result.getArtifact().getFile().toPath());
            }
            return jars;
        } catch (DependencyResolutionException e) {
            throw new IllegalStateException("Could not resolve " + coordinates + ": " + e.getMessage()
                    + ". If you build offline, run 'mvn streamguard:go-offline' once online (or 'mvn install' in the "
                    + "StreamGuard repository) so these artifacts reach your local repository.", e);
        }
    }
}
