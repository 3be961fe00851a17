package io.streamguard.plugin.launch;

import io.streamguard.plugin.StandaloneResolver;
import io.streamguard.plugin.embedded.EmbeddedKafkaBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Stands for the Maven JVM in {@link ForkLifecycleTest}: starts a fork the way the plugin does, prints
 * {@code CHILD <pid>}, and waits to be killed.
 *
 * <p>{@code broker CLASSPATH_FILE DIR}: the embedded broker. {@code job CLASSPATH_FILE DIR}: the job, pointed at a
 * broker that never answers (it would wait ten minutes).
 */
public final class MavenLikeParent {

    public static void main(String[] args) throws Exception {
        List<Path> classpath = Files.readAllLines(Path.of(args[1])).stream().map(Path::of).toList();
        Path dir = Path.of(args[2]);
        long pid;
        if (args[0].equals("broker")) {
            EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(classpath, dir, Map.of(),
                    StandaloneResolver.console());
            pid = ProcessHandle.current().children().filter(p -> p.info().commandLine().orElse("").contains(
                    "kafka.Kafka")).findFirst().orElseThrow().pid();
            Runtime.getRuntime().addShutdownHook(new Thread(broker::close));
        } else {
            JavaProcess.Started job = new JavaProcess(List.of("-Xmx512m"), classpath,
                    StreamGuardRunner.JOB_MAIN_CLASS, ForkLifecycleTest.hangingJobArgs(dir), Map.of(), dir)
                    .withInput(Secrets.stdinBlock(Map.of(), Map.of(), List.of()))
                    .start("streamguard-job", dir.resolve("job.log"));
            pid = job.process().pid();
        }
        System.out.println("CHILD " + pid);
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
