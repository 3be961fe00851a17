package io.streamguard.plugin;

import io.streamguard.plugin.launch.ClasspathResolver;
import java.nio.file.Path;
import java.util.List;
import org.apache.maven.repository.internal.MavenRepositorySystemUtils;
import org.eclipse.aether.DefaultRepositorySystemSession;
import org.eclipse.aether.RepositorySystem;
import org.eclipse.aether.repository.LocalRepository;
import org.eclipse.aether.repository.RemoteRepository;
import org.eclipse.aether.supplier.RepositorySystemSupplier;

/**
 * The plugin's {@link ClasspathResolver} outside Maven: the same resolution code, with a repository system built by
 * Maven Resolver's supplier over the build's local repository ({@code maven.repo.local}, set by Surefire) and
 * Maven Central.
 */
public final class StandaloneResolver {

    private StandaloneResolver() {
    }

    public static ClasspathResolver create() {
        return create(java.util.Map.of());
    }

    /**
     * {@link #create()}, with these Maven Resolver settings in its session ({@code -D} options on Maven's line). It
     * keeps no classpath across runs: tests of resolution must resolve.
     */
    public static ClasspathResolver create(java.util.Map<String, String> configProperties) {
        RepositorySystem system = new RepositorySystemSupplier().get();
        DefaultRepositorySystemSession session = MavenRepositorySystemUtils.newSession();
        configProperties.forEach(session::setConfigProperty);
        // As Maven does: POM profiles activated by JDK or OS, and ${java.version}-style properties, need these.
        session.setSystemProperties(System.getProperties());
        String local = System.getProperty("maven.repo.local",
                Path.of(System.getProperty("user.home"), ".m2", "repository").toString());
        session.setLocalRepositoryManager(system.newLocalRepositoryManager(session, new LocalRepository(local)));
        RemoteRepository central = new RemoteRepository.Builder("central", "default",
                "https://repo.maven.apache.org/maven2/").build();
        return new ClasspathResolver(system, session, List.of(central), java.util.Optional.empty(), console());
    }

    /** Writes service progress to standard error, so test logs show what happened. */
    public static Console console() {
        return Console.stderr();
    }
}
