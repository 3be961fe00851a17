package io.streamguard.spec;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassDataArchiveTest {

    @TempDir
    Path dir;

    private Path jar(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }

    private static String option(List<String> options, String prefix) {
        assertThat(options).hasSize(2);
        assertThat(options.get(0)).isEqualTo("-Xlog:cds=off,cds+dynamic=off");
        assertThat(options.get(1)).startsWith(prefix);
        return options.get(1).substring(prefix.length());
    }

    @Test
    void theFirstSuccessfulForkDumpsTheArchiveTheNextOnesMap() throws IOException {
        List<Path> classpath = List.of(jar("a.jar", "a"), jar("b.jar", "b"));
        Path work = dir.resolve("work");

        ClassDataArchive first = ClassDataArchive.of(work, classpath).orElseThrow();
        Path dump = Path.of(option(first.jvmOptions(), "-XX:ArchiveClassesAtExit="));
        assertThat(dump.getParent()).isEqualTo(work);
        assertThat(dump).isNotEqualTo(first.archive());
        Files.writeString(dump, "archive"); // what the JVM writes at its exit
        first.forkEnded(0);
        assertThat(dump).doesNotExist();
        assertThat(first.archive()).hasContent("archive");

        ClassDataArchive second = ClassDataArchive.of(work, classpath).orElseThrow();
        assertThat(option(second.jvmOptions(), "-XX:SharedArchiveFile=")).isEqualTo(first.archive().toString());
        second.forkEnded(0);
        assertThat(first.archive()).hasContent("archive");
    }

    @Test
    void aFailedForksDumpIsNeverMapped() throws IOException {
        List<Path> classpath = List.of(jar("a.jar", "a"));
        ClassDataArchive failed = ClassDataArchive.of(dir, classpath).orElseThrow();
        Path dump = Path.of(option(failed.jvmOptions(), "-XX:ArchiveClassesAtExit="));
        Files.writeString(dump, "half an archive");
        failed.forkEnded(1);
        assertThat(dump).doesNotExist();
        assertThat(failed.archive()).doesNotExist();
        assertThat(ClassDataArchive.of(dir, classpath).orElseThrow().jvmOptions().get(1))
                .startsWith("-XX:ArchiveClassesAtExit=");
    }

    @Test
    void aChangedJarGetsItsOwnArchiveAndOnlyTheMostRecentlyUsedStay() throws IOException {
        Path a = jar("a.jar", "a");
        Path archives = dir.resolve("archives");
        List<Path> made = new java.util.ArrayList<>();
        for (int build = 0; build < ClassDataArchive.KEPT + 1; build++) {
            Files.writeString(a, "build " + build);
            Files.setLastModifiedTime(a, FileTime.fromMillis(1_000_000L * (build + 1)));
            ClassDataArchive archive = ClassDataArchive.of(archives, List.of(a)).orElseThrow();
            assertThat(made).doesNotContain(archive.archive());
            Files.writeString(Path.of(option(archive.jvmOptions(), "-XX:ArchiveClassesAtExit=")), "build " + build);
            archive.forkEnded(0);
            Files.setLastModifiedTime(archive.archive(), FileTime.fromMillis(1_000_000L * (build + 1)));
            made.add(archive.archive());
        }
        assertThat(made.get(0)).doesNotExist();
        assertThat(made.subList(1, made.size())).allSatisfy(p -> assertThat(p).exists());
    }

    @Test
    void eachKindKeepsItsOwnMostRecentlyUsedArchives() throws IOException {
        Path a = jar("a.jar", "a");
        Path archives = dir.resolve("archives");
        ClassDataArchive broker = ClassDataArchive.of(archives, ClassDataArchive.BROKER, List.of(a)).orElseThrow();
        assertThat(broker.archive().getFileName().toString()).startsWith("kafka-broker-").endsWith(".jsa");
        Files.writeString(Path.of(option(broker.jvmOptions(), "-XX:ArchiveClassesAtExit=")), "broker");
        broker.forkEnded(0);
        Files.setLastModifiedTime(broker.archive(), FileTime.fromMillis(1_000L));
        ClassDataArchive spark = ClassDataArchive.of(archives, List.of(a)).orElseThrow();
        assertThat(spark.archive()).isNotEqualTo(broker.archive());
        assertThat(option(spark.jvmOptions(), "-XX:ArchiveClassesAtExit=")).startsWith(
                archives.resolve("spark-").toString());
        for (int build = 0; build < ClassDataArchive.KEPT + 1; build++) {
            Files.writeString(a, "build " + build);
            Files.setLastModifiedTime(a, FileTime.fromMillis(1_000_000L * (build + 1)));
            ClassDataArchive next = ClassDataArchive.of(archives, List.of(a)).orElseThrow();
            Files.writeString(Path.of(option(next.jvmOptions(), "-XX:ArchiveClassesAtExit=")), "build " + build);
            next.forkEnded(0);
        }
        assertThat(broker.archive()).as("the least recently used of all, but the only one of its kind")
                .hasContent("broker");
        try (var found = Files.list(archives)) {
            assertThat(found.filter(p -> p.getFileName().toString().startsWith("spark-")
                    && p.getFileName().toString().endsWith(".jsa"))).hasSize(ClassDataArchive.KEPT);
        }
    }

    /** Runs {@code check} with {@value ClassDataArchive#DIRECTORY_PROPERTY} set to {@code value} (null: unset). */
    private static void withDirectoryProperty(String value, ThrowingRunnable check) throws IOException {
        String before = System.getProperty(ClassDataArchive.DIRECTORY_PROPERTY);
        try {
            if (value == null) {
                System.clearProperty(ClassDataArchive.DIRECTORY_PROPERTY);
            } else {
                System.setProperty(ClassDataArchive.DIRECTORY_PROPERTY, value);
            }
            check.run();
        } finally {
            if (before == null) {
                System.clearProperty(ClassDataArchive.DIRECTORY_PROPERTY);
            } else {
                System.setProperty(ClassDataArchive.DIRECTORY_PROPERTY, before);
            }
        }
    }

    private interface ThrowingRunnable {
        void run() throws IOException;
    }

    @Test
    void theArchivesLiveInOneDirectoryPerUserUnlessTheUserSaysOtherwise() throws IOException {
        withDirectoryProperty(null, () -> assertThat(ClassDataArchive.directory()).contains(
                Path.of(System.getProperty("user.home"), ".cache", "streamguard", "class-data")));
        withDirectoryProperty(dir.toString(), () -> assertThat(ClassDataArchive.directory()).contains(dir));
        withDirectoryProperty("none", () -> assertThat(ClassDataArchive.directory()).isEmpty());
    }

    @Test
    void aDirectoryThatCannotBeMadeMeansNoArchiveNotAFailedRun() throws IOException {
        Path file = jar("not-a-directory", "x");
        Path a = jar("a.jar", "a");
        withDirectoryProperty(file.resolve("class-data").toString(),
                () -> assertThat(ClassDataArchive.forClasspath(List.of(a))).isEmpty());
    }

    @Test
    void aTruncatedArchiveIsNeverMappedButMadeAgain() throws IOException {
        List<Path> classpath = List.of(jar("a.jar", "a"));
        ClassDataArchive first = ClassDataArchive.of(dir, classpath).orElseThrow();
        Files.writeString(Path.of(option(first.jvmOptions(), "-XX:ArchiveClassesAtExit=")), "a whole archive");
        first.forkEnded(0);
        Files.writeString(first.archive(), "a whole"); // cut short, as by a full disk: the JVM would die of SIGBUS
        ClassDataArchive next = ClassDataArchive.of(dir, classpath).orElseThrow();
        option(next.jvmOptions(), "-XX:ArchiveClassesAtExit=");
        assertThat(first.archive()).doesNotExist();
    }

    @Test
    void aJvmThatDiesOfAFatalErrorWhileMappingTheArchiveDropsIt() throws IOException {
        List<Path> classpath = List.of(jar("a.jar", "a"));
        ClassDataArchive first = ClassDataArchive.of(dir, classpath).orElseThrow();
        Files.writeString(Path.of(option(first.jvmOptions(), "-XX:ArchiveClassesAtExit=")), "archive");
        first.forkEnded(0);
        ClassDataArchive mapping = ClassDataArchive.of(dir, classpath).orElseThrow();
        option(mapping.jvmOptions(), "-XX:SharedArchiveFile=");
        assertThat(mapping.forkEnded(3)).as("a failed run is no reason").isFalse();
        assertThat(first.archive()).exists();
        assertThat(mapping.forkEnded(134)).isTrue();
        assertThat(first.archive()).doesNotExist();
    }

    @Test
    void aDirectoryThatCannotBeWrittenOrARelativeOneOrTheUsersOwnSharingMeansNoDumpThatFailsTheFork()
            throws IOException {
        Path a = jar("a.jar", "a");
        Path readOnly = Files.createDirectories(dir.resolve("read-only"));
        assertThat(readOnly.toFile().setWritable(false)).isTrue();
        try {
            if (!Files.isWritable(readOnly)) { // root writes anywhere: then there is nothing to check
                withDirectoryProperty(readOnly.toString(),
                        () -> assertThat(ClassDataArchive.forClasspath(List.of(a))).isEmpty());
            }
        } finally {
            readOnly.toFile().setWritable(true);
        }
        withDirectoryProperty("relative-class-data", () -> assertThat(ClassDataArchive.directory())
                .contains(Path.of("relative-class-data").toAbsolutePath()));
        withDirectoryProperty(dir.toString(), () -> {
            assertThat(ClassDataArchive.forClasspath(List.of(a), List.of("-Xshare:off"))).isEmpty();
            assertThat(ClassDataArchive.forClasspath(List.of(a), List.of("-Xmx1g"))).isPresent();
            // JDK 17 dies of SIGSEGV loading archived classes under a flight recording, and cannot dump an archive
            // with a native agent such as a debugger (both measured); Java agents hook class loading as JFR does.
            // The fork inherits the environment, so the JVM's own option variables count too.
            assertThat(ClassDataArchive.forClasspath(List.of(a),
                    List.of("-Xmx1g", "-XX:StartFlightRecording=filename=run.jfr"))).isEmpty();
            assertThat(ClassDataArchive.forClasspath(List.of(a), List.of("-javaagent:/x/jacoco.jar"))).isEmpty();
            assertThat(ClassDataArchive.forClasspath(List.of(a), List.of("-agentpath:/x/libprof.so"))).isEmpty();
            assertThat(ClassDataArchive.forClasspath(List.of(a),
                    List.of("-agentlib:jdwp=transport=dt_socket,server=y,suspend=n"))).isEmpty();
            assertThat(ClassDataArchive.forClasspath(List.of(a), List.of("-Xrunjdwp:transport=dt_socket"))).isEmpty();
            assertThat(ClassDataArchive.forClasspath(List.of(a), List.of(),
                    Map.of("JAVA_TOOL_OPTIONS", "-Dx=1  -XX:StartFlightRecording=filename=ci.jfr"))).isEmpty();
            assertThat(ClassDataArchive.forClasspath(List.of(a), List.of(),
                    Map.of("JDK_JAVA_OPTIONS", "-javaagent:/x/agent.jar"))).isEmpty();
            assertThat(ClassDataArchive.forClasspath(List.of(a), List.of("-Xmx1g"),
                    Map.of("JAVA_TOOL_OPTIONS", "-Dfile.encoding=UTF-8", "JDK_JAVA_OPTIONS", " "))).isPresent();
        });
    }

    @Test
    void aClasspathWithADirectoryGetsNoArchive() throws IOException {
        Path classes = Files.createDirectories(dir.resolve("classes"));
        assertThat(ClassDataArchive.of(dir, List.of(jar("a.jar", "a"), classes))).isEmpty();
    }
}
