package io.streamguard.plugin.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamguard.plugin.Console;
import java.io.File;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.maven.repository.internal.MavenRepositorySystemUtils;
import org.eclipse.aether.DefaultRepositorySystemSession;
import org.eclipse.aether.RepositorySystem;
import org.eclipse.aether.artifact.Artifact;
import org.eclipse.aether.repository.LocalRepository;
import org.eclipse.aether.repository.RemoteRepository;
import org.eclipse.aether.repository.RepositoryPolicy;
import org.eclipse.aether.repository.WorkspaceReader;
import org.eclipse.aether.repository.WorkspaceRepository;
import org.eclipse.aether.supplier.RepositorySystemSupplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A classpath kept across runs is used only while nothing its resolution read has changed: resolved against a local
 * repository of a few POMs written here (an application, its dependency, their parent), offline.
 */
class ResolvedClasspathsTest {

    private static final RepositorySystem REAL = new RepositorySystemSupplier().get();
    /** A repository system that must not be asked: a kept classpath is used without it. */
    private static final RepositorySystem UNUSED = (RepositorySystem) Proxy.newProxyInstance(
            RepositorySystem.class.getClassLoader(), new Class<?>[] {RepositorySystem.class}, (proxy, method, args) -> {
                throw new AssertionError("resolved instead of using the kept classpath: " + method.getName());
            });
    private static final List<String> ROOTS = List.of("org.example:app:1.0");

    /** What the resolvers said, newest last. */
    private final List<String> said = new java.util.ArrayList<>();
    private final Console console = new Console() {
        @Override
        public void info(String message) {
            said.add(message);
        }

        @Override
        public void warn(String message) {
            said.add(message);
        }

        @Override
        public void debug(String message) {
            said.add(message);
        }
    };

    @TempDir
    Path temporary;
    private Path repository;
    private Path kept;

    @BeforeEach
    void writeRepository() throws IOException {
        repository = temporary.resolve("repository");
        kept = temporary.resolve("kept");
        pom("parent", "<packaging>pom</packaging>", "");
        pom("app", parent(), dependency("lib"));
        pom("lib", parent(), "");
        pom("extra", parent(), "");
        for (String jar : List.of("app", "lib", "extra")) {
            Files.writeString(file(jar, "jar"), jar);
        }
    }

    @Test
    void keepsAResolvedClasspathAndUsesItWithoutResolving() {
        List<Path> resolved = resolver(REAL, Map.of(), false).resolve(ROOTS, Map.of());
        assertThat(resolved).containsExactly(file("app", "jar"), file("lib", "jar"));
        assertThat(kept).isDirectoryContaining("glob:**.classpath");

        assertThat(resolver(UNUSED, Map.of(), false).resolve(ROOTS, Map.of())).isEqualTo(resolved);
        // Another setting of the plugin's own is not a reason to resolve again.
        assertThat(resolver(UNUSED, Map.of("streamguard.maxEvents", "5"), false).resolve(ROOTS, Map.of()))
                .isEqualTo(resolved);
    }

    @Test
    void aChangedParentPomIsSeenThoughNoClasspathEntryChanged() throws IOException {
        resolver(REAL, Map.of(), false).resolve(ROOTS, Map.of());
        // The parent now declares a dependency every child inherits; it is on no classpath, only read.
        Path parent = file("parent", "pom");
        Files.writeString(parent, Files.readString(parent).replace("</project>",
                "<dependencies>" + dependency("extra") + "</dependencies></project>"));
        Files.setLastModifiedTime(parent, FileTime.from(Instant.now().plusSeconds(5)));

        assertThatThrownBy(() -> resolver(UNUSED, Map.of(), false).resolve(ROOTS, Map.of()))
                .isInstanceOf(AssertionError.class);
        assertThat(resolver(REAL, Map.of(), false).resolve(ROOTS, Map.of()))
                .containsExactly(file("app", "jar"), file("lib", "jar"), file("extra", "jar"));
    }

    @Test
    void aMissingOrChangedJarIsResolvedAgain() throws IOException {
        resolver(REAL, Map.of(), false).resolve(ROOTS, Map.of());
        Files.writeString(file("lib", "jar"), "rebuilt");
        assertThatThrownBy(() -> resolver(UNUSED, Map.of(), false).resolve(ROOTS, Map.of()))
                .isInstanceOf(AssertionError.class);

        resolver(REAL, Map.of(), false).resolve(ROOTS, Map.of());
        Files.delete(file("lib", "jar"));
        assertThatThrownBy(() -> resolver(UNUSED, Map.of(), false).resolve(ROOTS, Map.of()))
                .isInstanceOf(AssertionError.class);
    }

    @Test
    void otherInputsOrMinusUResolveAgain() {
        resolver(REAL, Map.of(), false).resolve(ROOTS, Map.of());
        // -U asks for the repositories' state now.
        assertThatThrownBy(() -> resolver(UNUSED, Map.of(), true).resolve(ROOTS, Map.of()))
                .isInstanceOf(AssertionError.class);
        assertThat(said.get(said.size() - 1)).contains("-U asks for the repositories' state now");
        // A property a POM's profile may test.
        assertThatThrownBy(() -> resolver(UNUSED, Map.of("scala.binary", "2.12"), false).resolve(ROOTS, Map.of()))
                .isInstanceOf(AssertionError.class);
        // Other managed versions, other roots.
        assertThatThrownBy(() -> resolver(UNUSED, Map.of(), false).resolve(ROOTS, Map.of("org.example:lib", "1.0")))
                .isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> resolver(UNUSED, Map.of(), false).resolve(List.of("org.example:lib:1.0"), Map.of()))
                .isInstanceOf(AssertionError.class);
    }

    @Test
    void aDamagedOrShortenedEntryIsResolvedAgainAndReplaced() throws IOException {
        List<Path> resolved = resolver(REAL, Map.of(), false).resolve(ROOTS, Map.of());
        Path entry = onlyEntry();
        List<String> whole = Files.readAllLines(entry);
        List<List<String>> damaged = List.of(
                List.of(whole.get(0), "jar\tnot a size"),
                whole.subList(0, whole.size() - 1), // the end line lost: it would be a shorter classpath
                Stream.concat(whole.subList(0, 2).stream(), whole.subList(3, whole.size()).stream()).toList(),
                withNulPath(whole));
        for (List<String> lines : damaged) {
            Files.write(entry, lines);
            assertThatThrownBy(() -> resolver(UNUSED, Map.of(), false).resolve(ROOTS, Map.of()))
                    .as("%s", lines).isInstanceOf(AssertionError.class);
        }
        assertThat(resolver(REAL, Map.of(), false).resolve(ROOTS, Map.of())).isEqualTo(resolved);
        assertThat(Files.readAllLines(entry)).isEqualTo(whole);
        assertThat(resolver(UNUSED, Map.of(), false).resolve(ROOTS, Map.of())).isEqualTo(resolved);
    }

    @Test
    void aResolutionTheReactorTakesPartInIsNeitherKeptNorAnsweredFromTheKeptOnes() throws IOException {
        // This build's reactor holds lib: the resolver takes it from there, whatever the local repository has.
        Path built = temporary.resolve("reactor/lib/target/lib-1.0.jar");
        Files.createDirectories(built.getParent());
        Files.writeString(built, "built in the reactor");
        WorkspaceReader reactor = reactorHolding("lib", built);

        assertThat(resolver(REAL, Map.of(), false, reactor).resolve(ROOTS, Map.of()))
                .containsExactly(file("app", "jar"), built);
        assertThat(kept.toFile().list((dir, name) -> name.endsWith(".classpath"))).isNullOrEmpty();

        // Kept by a build without it, then asked by a build with it.
        resolver(REAL, Map.of(), false).resolve(ROOTS, Map.of());
        assertThatThrownBy(() -> resolver(UNUSED, Map.of(), false, reactor).resolve(ROOTS, Map.of()))
                .isInstanceOf(AssertionError.class);
        // A reactor of other modules does not matter.
        assertThat(resolver(UNUSED, Map.of(), false, reactorHolding("unrelated", built)).resolve(ROOTS, Map.of()))
                .containsExactly(file("app", "jar"), file("lib", "jar"));
    }

    @Test
    void systemPropertiesAndTheEnvironmentArePartOfTheQuestionButNotTheShellsBookkeeping() {
        resolver(REAL, Map.of(), false).resolve(ROOTS, Map.of());
        // MAVEN_OPTS=-Dx=y, or an environment variable a profile tests (Maven passes it as env.NAME).
        assertThatThrownBy(() -> resolver(UNUSED, Map.of(), false, null, Map.of("sgProfile", "on"))
                .resolve(ROOTS, Map.of())).isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> resolver(UNUSED, Map.of(), false, null, Map.of("env.SG_PROFILE", "1"))
                .resolve(ROOTS, Map.of())).isInstanceOf(AssertionError.class);
        // Maven copies every -D option into the system properties as well: the plugin's own do not count there either.
        assertThat(resolver(UNUSED, Map.of("streamguard.maxEvents", "7"), false, null, Map.of("env.OLDPWD",
                "/elsewhere", "sun.java.command", "launcher streamguard:run -Dstreamguard.maxEvents=7",
                "streamguard.maxEvents", "7", "env.MAVEN_OPTS", "-Xmx2g")).resolve(ROOTS, Map.of()))
                .containsExactly(file("app", "jar"), file("lib", "jar"));
    }

    @Test
    void entriesDatedInTheFutureDoNotEvictTheOneJustWritten() throws IOException {
        for (int i = 0; i < ResolvedClasspaths.KEPT; i++) {
            resolver(REAL, Map.of("n", Integer.toString(i)), false).resolve(ROOTS, Map.of());
        }
        try (Stream<Path> entries = Files.list(kept)) {
            for (Path entry : entries.toList()) {
                Files.setLastModifiedTime(entry, FileTime.from(Instant.now().plusSeconds(86_400)));
            }
        }
        resolver(REAL, Map.of("n", "new"), false).resolve(ROOTS, Map.of());
        assertThat(resolver(UNUSED, Map.of("n", "new"), false).resolve(ROOTS, Map.of()))
                .containsExactly(file("app", "jar"), file("lib", "jar"));
        assertThat(kept.toFile().list((dir, name) -> name.endsWith(".classpath"))).hasSize(ResolvedClasspaths.KEPT);
    }

    @Test
    void leftoversOfAKilledWriteAreDeletedADayLater() throws IOException {
        Files.createDirectories(kept);
        Path old = Files.writeString(kept.resolve(".0123.abc.tmp"), "half");
        Path recent = Files.writeString(kept.resolve(".4567.def.tmp"), "half");
        Files.setLastModifiedTime(old, FileTime.from(Instant.now().minusSeconds(2 * 86_400)));
        resolver(REAL, Map.of(), false).resolve(ROOTS, Map.of());
        assertThat(old).doesNotExist();
        assertThat(recent).exists();
    }

    @Test
    void keepsTheMostRecentlyUsedEntries() {
        for (int i = 0; i < ResolvedClasspaths.KEPT + 3; i++) {
            resolver(REAL, Map.of("n", Integer.toString(i)), false).resolve(ROOTS, Map.of());
        }
        assertThat(kept.toFile().list((dir, name) -> name.endsWith(".classpath"))).hasSize(ResolvedClasspaths.KEPT);
        assertThat(kept.toFile().list((dir, name) -> name.endsWith(".tmp"))).isEmpty();
        resolver(UNUSED, Map.of("n", Integer.toString(ResolvedClasspaths.KEPT + 2)), false).resolve(ROOTS, Map.of());
        assertThatThrownBy(() -> resolver(UNUSED, Map.of("n", "0"), false).resolve(ROOTS, Map.of()))
                .isInstanceOf(AssertionError.class);
    }

    /** The entry with a first jar whose path the file system refuses, its end line counting it. */
    private static List<String> withNulPath(List<String> whole) {
        List<String> lines = new java.util.ArrayList<>(whole.subList(0, whole.size() - 1));
        lines.add(1, "jar\t1\t2\t-\t/tmp/a\u0000b");
        lines.add("end\t" + lines.size());
        return lines;
    }

    private Path onlyEntry() throws IOException {
        try (Stream<Path> entries = Files.list(kept)) {
            List<Path> found = entries.filter(p -> p.toString().endsWith(".classpath")).toList();
            assertThat(found).hasSize(1);
            return found.get(0);
        }
    }

    private WorkspaceReader reactorHolding(String artifactId, Path jar) {
        return new WorkspaceReader() {
            @Override
            public WorkspaceRepository getRepository() {
                return new WorkspaceRepository("reactor");
            }

            @Override
            public File findArtifact(Artifact artifact) {
                if (!artifact.getArtifactId().equals(artifactId)) {
                    return null;
                }
                return artifact.getExtension().equals("pom") ? file(artifactId, "pom").toFile() : jar.toFile();
            }

            @Override
            public List<String> findVersions(Artifact artifact) {
                return artifact.getArtifactId().equals(artifactId) ? List.of("1.0") : List.of();
            }
        };
    }

    private ClasspathResolver resolver(RepositorySystem system, Map<String, String> userProperties,
                                       boolean updateAlways) {
        return resolver(system, userProperties, updateAlways, null);
    }

    private ClasspathResolver resolver(RepositorySystem system, Map<String, String> userProperties,
                                       boolean updateAlways, WorkspaceReader reactor) {
        return resolver(system, userProperties, updateAlways, reactor, Map.of());
    }

    private ClasspathResolver resolver(RepositorySystem repositorySystem, Map<String, String> userProperties,
                                       boolean updateAlways, WorkspaceReader reactor,
                                       Map<String, String> systemProperties) {
        DefaultRepositorySystemSession session = MavenRepositorySystemUtils.newSession();
        Map<String, String> system = new java.util.HashMap<>();
        System.getProperties().forEach((k, v) -> system.put(k.toString(), v.toString()));
        system.putAll(systemProperties);
        session.setSystemProperties(system);
        session.setUserProperties(userProperties);
        session.setWorkspaceReader(reactor);
        session.setOffline(true);
        if (updateAlways) {
            session.setUpdatePolicy(RepositoryPolicy.UPDATE_POLICY_ALWAYS);
        }
        session.setLocalRepositoryManager(REAL.newLocalRepositoryManager(session,
                new LocalRepository(repository.toFile(), "simple")));
        RemoteRepository nowhere = new RemoteRepository.Builder("central", "default", "https://example.invalid/")
                .build();
        return new ClasspathResolver(repositorySystem, session, List.of(nowhere), Optional.of(kept), console);
    }

    private Path file(String artifactId, String extension) {
        return repository.resolve("org/example/" + artifactId + "/1.0/" + artifactId + "-1.0." + extension);
    }

    private void pom(String artifactId, String head, String dependencies) throws IOException {
        Path pom = file(artifactId, "pom");
        Files.createDirectories(pom.getParent());
        Files.writeString(pom, "<project><modelVersion>4.0.0</modelVersion>" + head
                + "<groupId>org.example</groupId><artifactId>" + artifactId + "</artifactId><version>1.0</version>"
                + (dependencies.isEmpty() ? "" : "<dependencies>" + dependencies + "</dependencies>") + "</project>");
    }

    private static String parent() {
        return "<parent><groupId>org.example</groupId><artifactId>parent</artifactId><version>1.0</version></parent>";
    }

    private static String dependency(String artifactId) {
        return "<dependency><groupId>org.example</groupId><artifactId>" + artifactId
                + "</artifactId><version>1.0</version></dependency>";
    }
}
