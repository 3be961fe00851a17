package io.streamguard.plugin.launch;

import java.io.File;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.aether.DefaultRepositoryCache;
import org.eclipse.aether.DefaultRepositorySystemSession;
import org.eclipse.aether.RepositoryEvent;
import org.eclipse.aether.RepositoryListener;
import org.eclipse.aether.RepositorySystem;
import org.eclipse.aether.RepositorySystemSession;
import org.eclipse.aether.artifact.Artifact;
import org.eclipse.aether.artifact.DefaultArtifact;
import org.eclipse.aether.collection.CollectRequest;
import org.eclipse.aether.graph.Dependency;
import org.eclipse.aether.graph.DependencyFilter;
import org.eclipse.aether.graph.DependencyNode;
import org.eclipse.aether.repository.RemoteRepository;
import org.eclipse.aether.repository.RepositoryPolicy;
import org.eclipse.aether.resolution.ArtifactResult;
import org.eclipse.aether.resolution.DependencyRequest;
import org.eclipse.aether.resolution.DependencyResolutionException;
import org.eclipse.aether.resolution.DependencyResult;

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

    /** The user properties that are the plugin's own parameters: no POM of the forks' graphs reads them. */
    private static final String OWN_PROPERTIES = "streamguard.";

    private final RepositorySystem system;
    private final RepositorySystemSession session;
    private final List<RemoteRepository> repositories;
    private final Optional<ResolvedClasspaths> kept;

    /**
     * @param session Maven's session; collecting breadth-first unless it chose a collector ({@link #COLLECTOR})
     */
    public ClasspathResolver(RepositorySystem system, RepositorySystemSession session,
                             List<RemoteRepository> repositories) {
        this(system, session, repositories, Optional.of(ResolvedClasspaths.defaultDirectory()));
    }

    /** @param keptIn where resolved classpaths are kept across runs; empty: resolve every time */
    public ClasspathResolver(RepositorySystem system, RepositorySystemSession session,
                             List<RemoteRepository> repositories, Optional<Path> keptIn) {
        this.system = system;
        this.session = session.getConfigProperties().containsKey(COLLECTOR) ? session : breadthFirst(session);
        this.repositories = List.copyOf(repositories);
        this.kept = keptIn.map(ResolvedClasspaths::new);
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
        // -U: the user asks for the repositories' state now.
        boolean reuse = kept.isPresent() && !RepositoryPolicy.UPDATE_POLICY_ALWAYS.equals(session.getUpdatePolicy());
        String key = ResolvedClasspaths.key(keyInputs(coordinates, managedVersions));
        if (reuse) {
            Optional<List<Path>> found = kept.get().find(key);
            if (found.isPresent()) {
                return found.get();
            }
        }
        ReadFiles read = new ReadFiles();
        List<Path> jars = resolve(coordinates, managedVersions, reuse ? recording(read) : session, read);
        if (reuse && read.reusable()) {
            kept.get().keep(key, jars, read.files());
        }
        return jars;
    }

    private List<Path> resolve(List<String> coordinates, Map<String, String> managedVersions,
                               RepositorySystemSession session, ReadFiles read) {
        CollectRequest collect = new CollectRequest();
        for (String coordinate : coordinates) {
            collect.addDependency(new Dependency(new DefaultArtifact(coordinate), "runtime"));
        }
        managedVersions.forEach((ga, version) ->
                collect.addManagedDependency(new Dependency(new DefaultArtifact(ga + ":" + version), "runtime")));
        collect.setRepositories(repositories);
        try {
            List<Path> jars = new ArrayList<>();
            DependencyResult result = system.resolveDependencies(session, new DependencyRequest(collect, RUNTIME));
            for (ArtifactResult artifact : result.getArtifactResults()) {
                jars.add(artifact.getArtifact().getFile().toPath());
            }
            if (!result.getCollectExceptions().isEmpty() || hasVersionRange(result.getRoot())) {
                read.dependsOnRemoteState();
            }
            return jars;
        } catch (DependencyResolutionException e) {
            throw new IllegalStateException("Could not resolve " + coordinates + ": " + e.getMessage()
                    + ". If you build offline, run 'mvn streamguard:go-offline' once online (or 'mvn install' in the "
                    + "StreamGuard repository) so these artifacts reach your local repository.", e);
        }
    }

    /**
     * What decides a resolution besides the files it reads: the request, the repositories, the local repository, the
     * resolver's settings ({@code aether.*}), and what POM profiles and interpolation may read: the JDK, the OS and
     * the user's {@code -D} properties (the plugin's own {@value #OWN_PROPERTIES}* aside, so that a run of other
     * settings reuses the classpath).
     */
    private List<String> keyInputs(List<String> coordinates, Map<String, String> managedVersions) {
        List<String> inputs = new ArrayList<>();
        inputs.add("roots=" + coordinates);
        inputs.add("managed=" + new TreeMap<>(managedVersions));
        for (RemoteRepository repository : repositories) {
            inputs.add("repository=" + repository.getId() + " " + repository.getUrl() + " "
                    + repository.getContentType() + " " + repository.getPolicy(false).isEnabled() + " "
                    + repository.getPolicy(true).isEnabled());
        }
        inputs.add("local=" + session.getLocalRepository().getBasedir().getAbsolutePath());
        new TreeMap<>(session.getConfigProperties()).forEach((name, value) -> {
            if (name.startsWith("aether.")) {
                inputs.add("config " + name + "=" + value);
            }
        });
        for (String name : List.of("java.version", "java.vendor", "os.name", "os.arch", "os.version")) {
            inputs.add("system " + name + "=" + session.getSystemProperties().get(name));
        }
        new TreeMap<>(session.getUserProperties()).forEach((name, value) -> {
            if (!name.startsWith(OWN_PROPERTIES)) {
                inputs.add("user " + name + "=" + value);
            }
        });
        return inputs;
    }

    private static boolean hasVersionRange(DependencyNode root) {
        Set<DependencyNode> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<DependencyNode> pending = new ArrayDeque<>(List.of(root));
        while (!pending.isEmpty()) {
            DependencyNode node = pending.pop();
            if (seen.add(node)) {
                if (node.getVersionConstraint() != null && node.getVersionConstraint().getRange() != null) {
                    return true;
                }
                pending.addAll(node.getChildren());
            }
        }
        return false;
    }

    /**
     * Maven's session, also telling {@code read} every artifact and metadata file resolved, with an empty cache:
     * Maven's cache of POM models would otherwise spare it resolving parents it met earlier in the build, and those
     * parents would go unrecorded.
     */
    private RepositorySystemSession recording(ReadFiles read) {
        DefaultRepositorySystemSession recording = new DefaultRepositorySystemSession(session);
        recording.setCache(new DefaultRepositoryCache());
        RepositoryListener maven = session.getRepositoryListener();
        // A proxy, so that every event Maven's own listener logs (invalid POMs, downloads...) still reaches it.
        recording.setRepositoryListener((RepositoryListener) Proxy.newProxyInstance(
                RepositoryListener.class.getClassLoader(), new Class<?>[] {RepositoryListener.class},
                (proxy, method, arguments) -> {
                    if (method.getDeclaringClass() == Object.class) {
                        return switch (method.getName()) {
                            case "equals" -> proxy == arguments[0];
                            case "hashCode" -> System.identityHashCode(proxy);
                            default -> "recording " + maven;
                        };
                    }
                    if (arguments != null && arguments.length == 1 && arguments[0] instanceof RepositoryEvent event) {
                        read.seen(event);
                    }
                    try {
                        return maven == null ? null : method.invoke(maven, arguments);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                }));
        return recording;
    }

    /** The files a resolution read, and whether its result depended on a remote repository's current state. */
    private static final class ReadFiles {
        private final ConcurrentLinkedQueue<Path> files = new ConcurrentLinkedQueue<>();
        private final AtomicBoolean remoteState = new AtomicBoolean();

        /** Called by the resolver's threads (the breadth-first collector reads POMs on several). */
        void seen(RepositoryEvent event) {
            switch (event.getType()) {
                case ARTIFACT_RESOLVED -> {
                    Artifact artifact = event.getArtifact();
                    if (artifact == null || artifact.getFile() == null || !event.getExceptions().isEmpty()) {
                        remoteState.set(true);
                    } else {
                        if (artifact.isSnapshot() && event.getRepository() instanceof RemoteRepository) {
                            remoteState.set(true); // a newer snapshot may be published there
                        }
                        files.add(artifact.getFile().toPath());
                    }
                }
                case METADATA_RESOLVED -> {
                    // Snapshot and version-range metadata: from a remote repository it may change at any time.
                    if (event.getRepository() instanceof RemoteRepository) {
                        remoteState.set(true);
                    }
                    File file = event.getMetadata() == null ? null : event.getMetadata().getFile();
                    if (file != null && file.isFile()) {
                        files.add(file.toPath());
                    }
                }
                default -> {
                }
            }
        }

        void dependsOnRemoteState() {
            remoteState.set(true);
        }

        boolean reusable() {
            return !remoteState.get();
        }

        List<Path> files() {
            return List.copyOf(files);
        }
    }
}
