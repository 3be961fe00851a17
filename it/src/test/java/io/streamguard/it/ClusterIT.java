package io.streamguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamguard.plugin.PluginVersions;
import io.streamguard.plugin.StandaloneResolver;
import io.streamguard.plugin.launch.JavaProcess;
import io.streamguard.plugin.launch.SparkJvmOptions;
import io.streamguard.plugin.launch.RunRequest;
import io.streamguard.plugin.launch.StreamGuardRunner;
import io.streamguard.plugin.embedded.SyntheticEvents;
import io.streamguard.report.AnomalyReport;
import io.streamguard.spec.RunSpec;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same job on a real Spark standalone cluster on loopback: a Master and a Worker from Spark's own deploy
 * classes, each in its own JVM, over a SPARK_HOME whose jars/ links to the resolved Spark jars. The job's output
 * must equal a local run's on the same data, and the executors must really run on the worker.
 */
@ExtendWith(KafkaBrokerExtension.class)
class ClusterIT {

    static final String TOPIC = "cluster";
    static JavaProcess.Started master;
    static JavaProcess.Started worker;
    static int masterPort;
    static int webUiPort;
    static Path workerDir;

    @TempDir
    Path temp;

    @BeforeAll
    static void startCluster(TestBroker broker) throws Exception {
        broker.createTopic(TOPIC, 4, Map.of());
        List<SyntheticEvents.Event> events = Events.sorted(20_000, 31);
        Events.produce(broker.bootstrapServers(), Map.of("linger.ms", 20), p -> {
            for (int i = 0; i < events.size(); i++) {
                p.send(Events.record(TOPIC, i % 4, events.get(i)));
            }
        });

        PluginVersions v = PluginVersions.load();
        List<Path> spark = StandaloneResolver.create().resolve(List.of(
                "org.apache.spark:spark-sql_" + v.scalaBinaryVersion() + ":" + v.sparkVersion(),
                "org.apache.spark:spark-mllib_" + v.scalaBinaryVersion() + ":" + v.sparkVersion()), Map.of());
        Path home = Path.of("target", "spark-home").toAbsolutePath();
        Path jars = home.resolve("jars");
        Files.createDirectories(jars);
        for (Path jar : spark) {
            Path link = jars.resolve(jar.getFileName());
            if (!Files.exists(link)) {
                Files.createSymbolicLink(link, jar);
            }
        }
        workerDir = Path.of("target", "spark-worker").toAbsolutePath();
        Files.createDirectories(workerDir);
        int[] ports = ports(3);
        masterPort = ports[0];
        webUiPort = ports[1];
        Map<String, String> env = Map.of("SPARK_HOME", home.toString(), "SPARK_SCALA_VERSION", v.scalaBinaryVersion(),
                "SPARK_LOCAL_IP", "127.0.0.1");
        List<String> jvm = new ArrayList<>(SparkJvmOptions.moduleOptions(spark));
        jvm.add("-Xmx512m");
        master = new JavaProcess(jvm, spark, "org.apache.spark.deploy.master.Master",
                List.of("--host", "127.0.0.1", "--port", Integer.toString(masterPort), "--webui-port",
                        Integer.toString(webUiPort)), env, home).start("spark-master", home.resolve("master.log"));
        awaitWorkers(0);
        worker = new JavaProcess(jvm, spark, "org.apache.spark.deploy.worker.Worker",
                List.of("spark://127.0.0.1:" + masterPort, "--host", "127.0.0.1", "--cores", "2", "--memory", "2g",
                        "--webui-port", Integer.toString(ports[2]), "--work-dir", workerDir.toString()), env, home)
                .start("spark-worker", home.resolve("worker.log"));
        awaitWorkers(1);
    }

    @AfterAll
    static void stopCluster() {
        if (worker != null) {
            worker.stop(10);
        }
        if (master != null) {
            master.stop(10);
        }
    }

    @Test
    void theJobRunsUnchangedOnTheClusterAndAgreesWithLocalMode(TestBroker broker) throws Exception {
        AnomalyReport local = run(broker, "local[2]", temp.resolve("local"));
        AnomalyReport cluster = run(broker, "spark://127.0.0.1:" + masterPort, temp.resolve("cluster"));

        assertThat(cluster.run().master()).isEqualTo("spark://127.0.0.1:" + masterPort);
        assertThat(cluster.eventsRead()).isEqualTo(local.eventsRead()).isEqualTo(10_000);
        assertThat(cluster.offsetRanges()).isEqualTo(local.offsetRanges());
        assertThat(cluster.totalUsers()).isEqualTo(local.totalUsers());
        assertThat(cluster.anomalousUsers()).isEqualTo(local.anomalousUsers());
        assertThat(cluster.model().threshold()).isEqualTo(local.model().threshold());
        assertThat(cluster.topAnomalies()).isEqualTo(local.topAnomalies());

        JsonNode state = masterState();
        List<String> apps = new ArrayList<>();
        state.path("completedapps").forEach(a -> apps.add(a.path("name").asText()));
        state.path("activeapps").forEach(a -> apps.add(a.path("name").asText()));
        assertThat(apps).contains("StreamGuard");
        try (Stream<Path> files = Files.walk(workerDir)) {
            assertThat(files.filter(p -> p.getFileName().toString().equals("stderr"))
                    .filter(p -> p.toString().contains("app-"))).as("executor logs in the worker's work dir")
                    .isNotEmpty();
        }
    }

    private AnomalyReport run(TestBroker broker, String master, Path out) {
        RunRequest request = RunRequest.builder().set(RunSpec.BOOTSTRAP_SERVERS, broker.bootstrapServers())
                .set(RunSpec.TOPIC, TOPIC).outputDirectory(out).set(RunSpec.MASTER, master)
                .jvmArgs(List.of("-Xmx768m")).embeddedEvents(0)
                .workDirectory(out.resolveSibling(out.getFileName() + "-work"))
                .sparkConf(Map.of("spark.executor.memory", "1g", "spark.driver.host", "127.0.0.1")).build();
        return new StreamGuardRunner(StandaloneResolver.create(), PluginVersions.load(), StandaloneResolver.console())
                .run(request).report();
    }

    private static JsonNode masterState() throws IOException, InterruptedException {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + webUiPort + "/json/")).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        return new ObjectMapper().readTree(r.body());
    }

    private static void awaitWorkers(int alive) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                JsonNode state = masterState();
                int count = 0;
                for (JsonNode w : state.path("workers")) {
                    if ("ALIVE".equals(w.path("state").asText())) {
                        count++;
                    }
                }
                if (count >= alive && state.path("status").asText().equals("ALIVE")) {
                    return;
                }
            } catch (IOException notYet) {
                // the master's web UI is not up yet
            }
            Thread.sleep(300);
        }
        throw new IllegalStateException("the Spark standalone cluster did not get " + alive + " alive worker(s) in 60 s");
    }

    private static int[] ports(int n) throws IOException {
        List<ServerSocket> sockets = new ArrayList<>();
        int[] ports = new int[n];
        try {
            for (int i = 0; i < n; i++) {
                ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                sockets.add(s);
                ports[i] = s.getLocalPort();
            }
        } finally {
            for (ServerSocket s : sockets) {
                s.close();
            }
        }
        return ports;
    }
}
