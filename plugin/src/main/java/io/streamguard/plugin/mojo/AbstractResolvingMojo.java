package io.streamguard.plugin.mojo;

import io.streamguard.plugin.launch.ClasspathResolver;
import java.util.List;
import org.apache.maven.plugins.annotations.Parameter;
import org.eclipse.aether.RepositorySystem;
import org.eclipse.aether.RepositorySystemSession;
import org.eclipse.aether.repository.RemoteRepository;

/**
 * Goals that resolve the forks' classpaths at run time, through Maven's own resolver session: its local repository,
 * its offline flag and mirrors, and the project's repositories.
 */
abstract class AbstractResolvingMojo extends AbstractStreamGuardMojo {

    @Parameter(defaultValue = "${repositorySystemSession}", readonly = true, required = true)
    RepositorySystemSession repositorySession;

    @Parameter(defaultValue = "${project.remoteProjectRepositories}", readonly = true, required = true)
    List<RemoteRepository> remoteRepositories;

    private final RepositorySystem repositorySystem;

    AbstractResolvingMojo(RepositorySystem repositorySystem) {
        this.repositorySystem = repositorySystem;
    }

    ClasspathResolver resolver() {
        return new ClasspathResolver(repositorySystem, repositorySession, remoteRepositories,
                new MavenConsole(getLog()));
    }
}
