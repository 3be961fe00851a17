package io.streamguard.plugin.launch;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamguard.plugin.PluginVersions;
import io.streamguard.plugin.StandaloneResolver;
import io.streamguard.plugin.embedded.EmbeddedDataset;
import java.lang.reflect.Field;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.eclipse.aether.internal.impl.collect.DefaultDependencyCollector;
import org.eclipse.aether.internal.impl.collect.bf.BfDependencyCollector;
import org.junit.jupiter.api.Test;

/**
 * The forks' classpaths as the plugin resolves them: breadth-first unless the user chose a collector, and the same
 * jars in the same order either way (a fork's classpath order decides which of two copies of a class it loads).
 */
class ClasspathResolverTest {

    private final PluginVersions versions = PluginVersions.load();
    private final ClasspathResolver byDefault = StandaloneResolver.create();
    private final ClasspathResolver depthFirst = StandaloneResolver.create(
            Map.of(ClasspathResolver.COLLECTOR, "df"));

    @Test
    void collectsBreadthFirstUnlessTheUserChoseACollector() throws ReflectiveOperationException {
        // The resolver's own names: a misspelt setting would leave both resolvers depth-first, and the comparisons
        // below would compare a collector with itself.
        Field setting = DefaultDependencyCollector.class.getDeclaredField("CONFIG_PROP_COLLECTOR_IMPL");
        setting.setAccessible(true);
        assertThat(setting.get(null)).isEqualTo(ClasspathResolver.COLLECTOR);
        assertThat(BfDependencyCollector.NAME).isEqualTo(ClasspathResolver.BREADTH_FIRST);
        assertThat(byDefault.collector()).isEqualTo(ClasspathResolver.BREADTH_FIRST);
        assertThat(depthFirst.collector()).isEqualTo("df");
    }

    @Test
    void theJobsClasspathIsTheDepthFirstCollectorsInItsOrder() {
        assertSameBothWays(resolver -> SparkApplicationClasspath.resolve(resolver, versions, "streamguard-pipeline"));
    }

    @Test
    void theBenchmarksClasspathIsTheDepthFirstCollectorsInItsOrder() {
        assertSameBothWays(resolver -> SparkApplicationClasspath.resolve(resolver, versions, "streamguard-benchmarks"));
    }

    @Test
    void theBrokersClasspathIsTheDepthFirstCollectorsInItsOrder() {
        assertSameBothWays(resolver -> new EmbeddedDataset(resolver, versions, StandaloneResolver.console())
                .brokerClasspath());
    }

    private void assertSameBothWays(Function<ClasspathResolver, List<Path>> classpath) {
        List<Path> breadthFirst = classpath.apply(byDefault);
        assertThat(breadthFirst).hasSizeGreaterThan(10).isEqualTo(classpath.apply(depthFirst));
    }
}
