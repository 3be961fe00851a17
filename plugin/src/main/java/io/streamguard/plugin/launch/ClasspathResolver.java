package io.streamguard.plugin.launch;

import io.streamguard.plugin.Console;
import java.io.File;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
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
import org.eclipse.aether.repository.WorkspaceReader;
import org.eclipse.aether.repository.WorkspaceRepository;
import org.eclipse.aether.resolution.ArtifactResult;
import org.eclipse.aether.resolution.DependencyRequest;
import org.eclipse.aether.resolution.DependencyResolutionException;
import org.eclipse.aether.resolution.DependencyResult;

/**
 * Resolves the classpath of a forked JVM (the Spark job, the Kafka broker, JMH) at run time through the Maven
 * Resolver API, so none of it lands on the plugin's own classpath. In a mojo the repository system and session are
 * Maven's own (settings, mirrors and offline mode apply); tests build a standalone one.
 *
 * <p>A classpath resolved once is kept with every file its resolution read ({@link ResolvedClasspaths}) and used again
 * while those files are unchanged, unless Maven runs with {@code -U} or this build's reactor holds one of its
 * artifacts.
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
    /**
     * System properties (Maven adds the environment as {@code env.*}) that differ from one command to the next
     * without meaning anything to a POM: the command line (whose {@code -D} options are the user properties),
     * {@code MAVEN_OPTS} (whose {@code -D} options are system properties of their own), the terminal, the shell's
     * bookkeeping, and {@code user.timezone}, which the JDK sets when a time zone is first needed: present or not
     * depending on what ran before. The working directory stays ({@code user.dir}): a profile may test a file
     * relative to it.
     */
    private static final List<String> VOLATILE_PROPERTIES = List.of("sun.java.command", "env.MAVEN_CMD_LINE_ARGS",
            "env.MAVEN_OPTS", "env.TERM", "env.OLDPWD", "env.PWD", "env.SHLVL", "env._", "user.timezone");

    private final RepositorySystem system;
    private final RepositorySystemSession session;
    private final List<RemoteRepository> repositories;
    private final Optional<ResolvedClasspaths> kept;
    private final Console console;

    /**
     * @param session Maven's session; collecting breadth-first unless it chose a collector ({@link #COLLECTOR})
     * @param console where it says (at debug level) whether it used a kept classpath
     */
    public ClasspathResolver(RepositorySystem system, RepositorySystemSession session,
                             List<RemoteRepository> repositories, Console console) {
        this(system, session, repositories, Optional.of(ResolvedClasspaths.defaultDirectory()), console);
    }

    /** @param keptIn where resolved classpaths are kept across runs; empty: resolve every time */
    public ClasspathResolver(RepositorySystem system, RepositorySystemSession session,
                             List<RemoteRepository> repositories, Optional<Path> keptIn, Console console) {
        this.system = system;
        this.session = session.getConfigProperties().containsKey(COLLECTOR) ? session : breadthFirst(session);
        this.repositories = List.copyOf(repositories);
        this.kept = keptIn.map(ResolvedClasspaths::new);
        this.console = console;
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
        if (!reuse) {
            if (kept.isPresent()) {
                console.debug("Resolving " + coordinates + ": -U asks for the repositories' state now; no kept "
                        + "classpath is used or written");
            }
            return resolve(coordinates, managedVersions, session, new ReadFiles());
        }
        String key = ResolvedClasspaths.key(keyInputs(coordinates, managedVersions));
        Optional<ResolvedClasspaths.Kept> found = kept.get().find(key);
        Optional<String> fromReactor = found.flatMap(k -> fromReactor(k.artifacts()));
        if (found.isPresent() && fromReactor.isEmpty()) {
            console.debug("Classpath of " + coordinates + ": kept by an earlier run, every file it read unchanged ("
                    + kept.get().entry(key) + ")");
            return found.get().classpath();
        }
        console.debug("Resolving " + coordinates + ": " + fromReactor.map(a -> "this build's reactor holds " + a)
                .orElse("no classpath kept for this request, or a file its resolution read has changed"));
        ReadFiles read = new ReadFiles();
        List<Path> jars = resolve(coordinates, managedVersions, recording(read), read);
        Optional<String> notKept = read.whyNotKept();
        if (notKept.isPresent()) {
            console.debug("Classpath of " + coordinates + " not kept: " + notKept.get());
        } else {
            kept.get().keep(key, jars, read.files()).ifPresent(entry ->
                    console.debug("Classpath of " + coordinates + " kept in " + entry));
        }
        return jars;
    }

    /**
     * An artifact the kept resolution read that this build's reactor (Maven's workspace) would now supply instead,
     * if any: the resolver asks the reactor first.
     */
    private Optional<String> fromReactor(List<String> artifacts) {
        WorkspaceReader reactor = session.getWorkspaceReader();
        if (reactor == null) {
            return Optional.empty();
        }
        for (String coordinates : artifacts) {
            Artifact artifact;
            try {
                artifact = new DefaultArtifact(coordinates);
            } catch (IllegalArgumentException e) {
                return Optional.of(coordinates); // not an artifact: a damaged entry, resolve
            }
            if (reactor.findArtifact(artifact) != null || !reactor.findVersions(artifact).isEmpty()) {
                return Optional.of(coordinates);
            }
        }
        return Optional.empty();
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
            if (!result.getCollectExceptions().isEmpty()) {
                read.notKept("the dependency graph was collected with errors");
            } else if (hasVersionRange(result.getRoot())) {
                read.notKept("a version range depends on the repositories' current versions");
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
     * resolver's settings ({@code aether.*}), and what POM profiles and interpolation may read: the system properties
     * (the JDK, the OS, the working directory, {@code -D} options in {@code MAVEN_OPTS}) with the environment
     * ({@code env.*}), but {@link #VOLATILE_PROPERTIES}, and the user's {@code -D} properties; the plugin's own
     * {@value #OWN_PROPERTIES}* aside in both, so that a run of other settings reuses the classpath.
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
        // Maven copies each -D option into the system properties too.
        new TreeMap<>(session.getSystemProperties()).forEach((name, value) -> {
            if (!VOLATILE_PROPERTIES.contains(name) && !name.startsWith(OWN_PROPERTIES)) {
                inputs.add("system " + name + "=" + value);
            }
        });
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

    /**
     * The files a resolution read (each with the artifact it is, or none for metadata), and why its result may not be
     * kept, if it may not: it depended on what a remote repository holds now, or on this build's reactor, whose
     * modules' models Maven builds itself from parents and imports the resolver never sees.
     */
    private static final class ReadFiles {
        private final Map<Path, String> files = Collections.synchronizedMap(new LinkedHashMap<>());
        private final AtomicReference<String> notKept = new AtomicReference<>();

        /** Called by the resolver's threads (the breadth-first collector reads POMs on several). */
        void seen(RepositoryEvent event) {
            switch (event.getType()) {
                case ARTIFACT_RESOLVED -> {
                    Artifact artifact = event.getArtifact();
                    if (artifact == null || artifact.getFile() == null || !event.getExceptions().isEmpty()) {
                        notKept("an artifact did not resolve: " + artifact);
                    } else {
                        if (event.getRepository() instanceof WorkspaceRepository) {
                            // Maven 3.9 hands the resolver the reactor's own model of a module's POM: the parents
                            // and imports that model was built from never pass through here.
                            notKept("this build's reactor supplied " + artifact);
                        } else if (artifact.isSnapshot() && event.getRepository() instanceof RemoteRepository) {
                            notKept("snapshot " + artifact + " came from " + event.getRepository().getId()
                                    + ", where a newer one may be published");
                        }
                        files.put(artifact.getFile().toPath(), artifact.toString());
                    }
                }
                case METADATA_RESOLVED -> {
                    // Snapshot and version-range metadata: from a remote repository it may change at any time.
                    if (event.getRepository() instanceof RemoteRepository) {
                        notKept("metadata of " + event.getMetadata() + " came from " + event.getRepository().getId());
                    }
                    File file = event.getMetadata() == null ? null : event.getMetadata().getFile();
                    if (file != null && file.isFile()) {
                        files.putIfAbsent(file.toPath(), null);
                    }
                }
                default -> {
                }
            }
        }

        void notKept(String why) {
            notKept.compareAndSet(null, why);
        }

        Optional<String> whyNotKept() {
            return Optional.ofNullable(notKept.get());
        }

        Map<Path, String> files() {
            synchronized (files) {
                return new LinkedHashMap<>(files);
            }
        }
    }
}
