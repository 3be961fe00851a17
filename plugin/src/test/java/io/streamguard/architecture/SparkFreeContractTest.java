package io.streamguard.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamguard.report.AnomalyReport;
import io.streamguard.spec.RunSpec;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The rule that Spark never runs in Maven's JVM, checked on the compiled classes rather than trusted to a comment:
 * every class the plugin uses, the pipeline's classes it reaches through them, and the whole of the pipeline's
 * Spark-free packages ({@code io.streamguard.spec}, {@code io.streamguard.report}) must reference no Spark or Scala
 * class. The plugin depends on the pipeline jar without its dependencies (see plugin/pom.xml), so such a reference
 * would fail only at run time, in a user's build.
 */
class SparkFreeContractTest {

    private static final Pattern OUR_CLASS = Pattern.compile("io/streamguard/[A-Za-z0-9_/$]+");
    private static final Pattern FORBIDDEN = Pattern.compile("(?:^|[L\\[(;])(org/apache/spark/|scala/)");

    @Test
    void thePluginAndThePipelineClassesItReachesReferenceNoSparkOrScala() throws IOException {
        Set<String> plugin = classesUnder(Path.of("target/classes"), "io/streamguard");
        assertThat(plugin).as("the plugin's compiled classes").contains("io/streamguard/maven/RunMojo");
        Set<String> seeds = new TreeSet<>(plugin);
        seeds.addAll(classesOfPipelinePackages("io/streamguard/spec", "io/streamguard/report"));
        Map<String, Set<String>> forbidden = new TreeMap<>();
        Set<String> reached = reach(seeds, forbidden);
        assertThat(reached).as("what the check covers: it must not pass by seeing nothing")
                .contains("io/streamguard/spec/RunSpec", "io/streamguard/spec/JobProtocol",
                        "io/streamguard/report/AnomalyReport", "io/streamguard/pipeline/Redaction",
                        "io/streamguard/pipeline/ParentWatch");
        assertThat(forbidden).as("Spark or Scala referenced from classes loaded in Maven's JVM").isEmpty();
    }

    @Test
    void theCheckSeesSparkWhereItIs() {
        Map<String, Set<String>> forbidden = new TreeMap<>();
        reach(Set.of("io/streamguard/pipeline/StreamGuardJob"), forbidden);
        assertThat(forbidden).containsKey("io/streamguard/pipeline/StreamGuardJob");
    }

    /** The classes reachable from {@code seeds} within io.streamguard, recording each one's Spark or Scala references. */
    private static Set<String> reach(Set<String> seeds, Map<String, Set<String>> forbidden) {
        Set<String> seen = new HashSet<>(seeds);
        Deque<String> todo = new ArrayDeque<>(seeds);
        while (!todo.isEmpty()) {
            String name = todo.pop();
            for (String text : utf8Constants(name)) {
                Matcher bad = FORBIDDEN.matcher(text);
                if (bad.find()) {
                    forbidden.computeIfAbsent(name, n -> new TreeSet<>()).add(text);
                }
                Matcher ours = OUR_CLASS.matcher(text);
                while (ours.find()) {
                    String referenced = ours.group();
                    if (exists(referenced) && seen.add(referenced)) {
                        todo.add(referenced);
                    }
                }
            }
        }
        return seen;
    }

    private static boolean exists(String name) {
        return SparkFreeContractTest.class.getClassLoader().getResource(name + ".class") != null;
    }

    /** The UTF-8 entries of a class file's constant pool: every class, descriptor and string it names. */
    static List<String> utf8Constants(String name) {
        try (InputStream raw = SparkFreeContractTest.class.getClassLoader().getResourceAsStream(name + ".class");
             DataInputStream in = new DataInputStream(raw)) {
            if (in.readInt() != 0xCAFEBABE) {
                throw new IllegalStateException(name + " is not a class file");
            }
            in.readUnsignedShort();
            in.readUnsignedShort();
            int count = in.readUnsignedShort();
            List<String> texts = new java.util.ArrayList<>();
            for (int i = 1; i < count; i++) {
                int tag = in.readUnsignedByte();
                switch (tag) {
                    case 1 -> texts.add(in.readUTF());
                    case 7, 8, 16, 19, 20 -> in.skipBytes(2);
                    case 15 -> in.skipBytes(3);
                    case 3, 4, 9, 10, 11, 12, 17, 18 -> in.skipBytes(4);
                    case 5, 6 -> {
                        in.skipBytes(8);
                        i++;
                    }
                    default -> throw new IllegalStateException(name + ": unknown constant pool tag " + tag);
                }
            }
            return texts;
        } catch (IOException e) {
            throw new UncheckedIOException(name, e);
        }
    }

    private static Set<String> classesOfPipelinePackages(String... packages) throws IOException {
        Path location;
        try {
            location = Path.of(RunSpec.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        assertThat(Path.of(AnomalyReport.class.getProtectionDomain().getCodeSource().getLocation().getPath()))
                .as("report and spec ship in one jar").isEqualTo(Path.of(location.toString()));
        Set<String> classes = new TreeSet<>();
        if (Files.isDirectory(location)) {
            for (String p : packages) {
                classes.addAll(classesUnder(location, p));
            }
            return classes;
        }
        try (FileSystem jar = FileSystems.newFileSystem(location)) {
            for (String p : packages) {
                classes.addAll(classesUnder(jar.getPath("/"), p));
            }
        }
        return classes;
    }

    private static Set<String> classesUnder(Path root, String packagePath) throws IOException {
        Path start = root.resolve(packagePath);
        Set<String> classes = new TreeSet<>();
        if (!Files.isDirectory(start)) {
            return classes;
        }
        try (Stream<Path> files = Files.walk(start)) {
            files.map(f -> root.relativize(f).toString().replace('\\', '/'))
                    .filter(f -> f.endsWith(".class") && !f.equals("module-info.class"))
                    .forEach(f -> classes.add(f.substring(0, f.length() - ".class".length())));
        }
        return classes;
    }
}
