package io.streamguard.plugin.mojo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamguard.plugin.launch.JobFailedException;
import io.streamguard.plugin.launch.RunRequest;
import io.streamguard.spec.RunSpec;
import org.apache.maven.api.plugin.testing.InjectMojo;
import org.apache.maven.api.plugin.testing.MojoParameter;
import org.apache.maven.api.plugin.testing.MojoTest;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.junit.jupiter.api.Test;

@MojoTest
class RunMojoTest {

    private static final String POM = "src/test/resources/unit/project/pom.xml";

    @Test
    @InjectMojo(goal = "run", pom = POM)
    void defaultsAreTheDocumentedOnes(RunMojo mojo) throws Exception {
        RunRequest request = mojo.validate();
        assertThat(request.topic()).isEqualTo("security-events");
        assertThat(request.maxEvents()).isEqualTo(10_000);
        assertThat(request.startFrom()).isEqualTo("newest");
        assertThat(request.master()).isEqualTo("local[*]");
        assertThat(request.contamination()).isEqualTo(0.1);
        assertThat(request.numTrees()).isEqualTo(100);
        assertThat(request.reportTopN()).isEqualTo(10);
        assertThat(request.embeddedEvents()).isEqualTo(200_000);
        assertThat(request.kafkaTimeout().toMillis()).isEqualTo(30_000);
        assertThat(request.maxQuarantineBytes()).isEqualTo(100L * 1024 * 1024);
        assertThat(request.embedded()).isTrue();
        assertThat(request.outputDirectory().toString().replace('\\', '/')).endsWith("target/streamguard");
        assertThat(request.kafkaProperties()).containsEntry("security.protocol", "SASL_PLAINTEXT");
        assertThat(request.timeout()).isEqualTo(java.time.Duration.ofHours(2));
    }

    @Test
    @InjectMojo(goal = "run", pom = POM)
    void aJdkThatSparkCannotRunOnFailsTheBuildNamingIt(RunMojo mojo) throws Exception {
        mojo.requireSparkCapableJava(); // the JDK of this build, 17, runs Spark
        assertThatThrownBy(() -> mojo.requireSparkCapableJava(Runtime.Version.parse("25.0.3+9-LTS"), "/opt/jdk-25"))
                .isInstanceOf(MojoFailureException.class)
                .hasMessageStartingWith("Maven runs on Java 25.0.3+9-LTS (/opt/jdk-25)")
                .hasMessageContaining("Run Maven on Java 17");
    }

    @Test
    @InjectMojo(goal = "run", pom = POM)
    @MojoParameter(name = "timeout", value = "90")
    void aTimeoutInSecondsIsAccepted(RunMojo mojo) throws Exception {
        assertThat(mojo.validate().timeout()).isEqualTo(java.time.Duration.ofSeconds(90));
    }

    @Test
    @InjectMojo(goal = "run", pom = POM)
    @MojoParameter(name = "timeout", value = "forever")
    void anUnreadableTimeoutIsRejectedWithAnExample(RunMojo mojo) {
        assertThatThrownBy(mojo::execute).isInstanceOf(MojoFailureException.class)
                .hasMessage("streamguard.timeout must be an ISO-8601 duration such as PT30M or PT2H, or whole seconds; "
                        + "0 for none; was 'forever'.");
    }

    @Test
    @InjectMojo(goal = "run", pom = POM)
    @MojoParameter(name = "skip", value = "true")
    @MojoParameter(name = "topic", value = "not a topic")
    void skipDoesNothingNotEvenValidate(RunMojo mojo) throws Exception {
        mojo.execute();
    }

    @Test
    @InjectMojo(goal = "run", pom = POM)
    @MojoParameter(name = "topic", value = "not a topic")
    void anInvalidTopicIsRejectedBeforeAnythingStarts(RunMojo mojo) {
        assertThatThrownBy(mojo::execute).isInstanceOf(MojoFailureException.class)
                .hasMessage("streamguard.topic 'not a topic' is not a valid Kafka topic name (1-249 characters of "
                        + "a-z, A-Z, 0-9, '.', '_', '-').");
    }

    @Test
    @InjectMojo(goal = "run", pom = POM)
    void aMapParameterGivenWithDashDFailsInsteadOfBeingIgnored(RunMojo mojo) throws Exception {
        mojo.validate(); // the harness's session holds no such property
        mojo.session.getUserProperties().setProperty("streamguard.sparkConf", "spark.serializer=x");
        assertThatThrownBy(mojo::validate).isInstanceOf(MojoFailureException.class)
                .hasMessage("streamguard.sparkConf cannot be given with -D: Maven does not fill a map parameter from a "
                        + "property, so the value would be ignored. Set <sparkConf> in the plugin's <configuration> in "
                        + "the POM.");
        mojo.session.getUserProperties().remove("streamguard.sparkConf");
        mojo.session.getUserProperties().setProperty("streamguard.kafkaProperties", "security.protocol=SSL");
        assertThatThrownBy(mojo::validate).isInstanceOf(MojoFailureException.class)
                .hasMessageStartingWith("streamguard.kafkaProperties cannot be given with -D")
                .hasMessageEndingWith(", or give -Dstreamguard.kafkaPropertiesFile=FILE.");
    }

    @Test
    @InjectMojo(goal = "run", pom = POM)
    @MojoParameter(name = "contamination", value = "0.9")
    void contaminationOutsideItsRangeIsRejected(RunMojo mojo) {
        assertThatThrownBy(mojo::execute).isInstanceOf(MojoFailureException.class)
                .hasMessageStartingWith("streamguard.contamination must be in (0, 0.5)");
    }

    @Test
    @InjectMojo(goal = "run", pom = POM)
    @MojoParameter(name = "startFrom", value = "yesterday")
    void anUnknownStartIsRejectedWithAnExample(RunMojo mojo) {
        assertThatThrownBy(mojo::execute).isInstanceOf(MojoFailureException.class)
                .hasMessage("streamguard.startFrom 'yesterday' is not 'newest', 'oldest' or an ISO-8601 instant "
                        + "(for example 2026-11-26T08:00:00Z).");
    }

    @Test
    @InjectMojo(goal = "run", pom = POM)
    @MojoParameter(name = "maxEvents", value = "-7")
    void negativeMaxEventsOtherThanMinusOneIsRejected(RunMojo mojo) {
        assertThatThrownBy(mojo::execute).isInstanceOf(MojoFailureException.class)
                .hasMessage("streamguard.maxEvents must be a positive number of events, or -1 for everything in range; "
                        + "was -7.");
    }

    /** Zero asks for nothing: rejected before any fork, not reported later as an empty topic. */
    @Test
    @InjectMojo(goal = "run", pom = POM)
    @MojoParameter(name = "maxEvents", value = "0")
    void zeroMaxEventsIsRejectedBeforeTheJobStarts(RunMojo mojo) {
        assertThatThrownBy(mojo::execute).isInstanceOf(MojoFailureException.class)
                .hasMessage("streamguard.maxEvents must be a positive number of events, or -1 for everything in range; "
                        + "was 0.");
    }

    @Test
    @InjectMojo(goal = "run", pom = POM)
    @MojoParameter(name = "startFrom", value = "2026-01-01T00:00:00Z")
    @MojoParameter(name = "until", value = "2026-01-02T00:00:00Z")
    @MojoParameter(name = "maxEvents", value = "-1")
    void aTimeRangeIsAccepted(RunMojo mojo) throws Exception {
        RunRequest request = mojo.validate();
        assertThat(request.startFrom()).isEqualTo("2026-01-01T00:00:00Z");
        assertThat(request.until()).isEqualTo("2026-01-02T00:00:00Z");
        assertThat(request.maxEvents()).isEqualTo(-1);
    }

    @Test
    @InjectMojo(goal = "run", pom = POM)
    @MojoParameter(name = "maxSamples", value = "64")
    @MojoParameter(name = "maxRecordBytes", value = "4096")
    void maxSamplesAndMaxRecordBytesReachTheJob(RunMojo mojo) throws Exception {
        assertThat(mojo.validate().job().toArguments()).containsSubsequence("--max-samples", "64")
                .containsSubsequence("--max-record-bytes", "4096");
    }

    @Test
    @InjectMojo(goal = "run", pom = POM)
    void maxSamplesAndMaxRecordBytesDefaultToTheJobsDefaults(RunMojo mojo) throws Exception {
        RunSpec job = mojo.validate().job();
        assertThat(job.get(RunSpec.MAX_SAMPLES)).isEqualTo(256);
        assertThat(job.get(RunSpec.MAX_RECORD_BYTES)).isEqualTo(512 * 1024);
    }

    @Test
    @InjectMojo(goal = "run", pom = POM)
    @MojoParameter(name = "maxSamples", value = "1")
    void tooFewSamplesPerTreeAreRejectedByProperty(RunMojo mojo) {
        assertThatThrownBy(mojo::execute).isInstanceOf(MojoFailureException.class)
                .hasMessage("streamguard.maxSamples must be at least 2; was 1.");
    }

    @Test
    void jobFailuresTheUserCanFixFailTheBuildOthersAreErrors() {
        assertThat(RunMojo.toMojoException(new JobFailedException(3, "Topic 'x' does not exist")))
                .isInstanceOf(MojoFailureException.class).hasMessage("Topic 'x' does not exist");
        assertThat(RunMojo.toMojoException(new JobFailedException(5, "Nothing to read")))
                .isInstanceOf(MojoFailureException.class);
        assertThat(RunMojo.toMojoException(new JobFailedException(1, "crash")))
                .isInstanceOf(MojoExecutionException.class).hasMessage("crash");
        assertThat(RunMojo.toMojoException(new JobFailedException(137, "killed")))
                .isInstanceOf(MojoExecutionException.class);
    }

    @Test
    @InjectMojo(goal = "run", pom = POM)
    @MojoParameter(name = "skipITs", value = "true")
    @MojoParameter(name = "topic", value = "not a topic")
    void skipITsSkipsLikeFailsafe(RunMojo mojo) throws Exception {
        mojo.execute();
    }

    @Test
    @InjectMojo(goal = "run", pom = POM)
    void theExecutionsThatSetBrokersAreFoundForTheCommandLineWarning(RunMojo mojo) {
        org.apache.maven.model.Plugin plugin = new org.apache.maven.model.Plugin();
        plugin.setGroupId("io.streamguard");
        plugin.setArtifactId("streamguard-maven-plugin");
        plugin.addExecution(execution("score-prod", "kafka-1:9092"));
        plugin.addExecution(execution("blank", " "));
        plugin.addExecution(execution("gate", null));
        org.apache.maven.model.Build build = new org.apache.maven.model.Build();
        build.addPlugin(plugin);
        org.apache.maven.model.Model model = new org.apache.maven.model.Model();
        model.setBuild(build);
        mojo.project = new org.apache.maven.project.MavenProject(model);
        org.apache.maven.plugin.descriptor.PluginDescriptor pluginDescriptor =
                new org.apache.maven.plugin.descriptor.PluginDescriptor();
        pluginDescriptor.setGroupId("io.streamguard");
        pluginDescriptor.setArtifactId("streamguard-maven-plugin");
        org.apache.maven.plugin.descriptor.MojoDescriptor descriptor =
                new org.apache.maven.plugin.descriptor.MojoDescriptor();
        descriptor.setPluginDescriptor(pluginDescriptor);
        mojo.mojoExecution = new org.apache.maven.plugin.MojoExecution(descriptor, "default-cli");

        assertThat(mojo.executionsWithBrokers()).containsExactly("score-prod");
    }

    private static org.apache.maven.model.PluginExecution execution(String id, String brokers) {
        org.apache.maven.model.PluginExecution execution = new org.apache.maven.model.PluginExecution();
        execution.setId(id);
        org.codehaus.plexus.util.xml.Xpp3Dom configuration = new org.codehaus.plexus.util.xml.Xpp3Dom("configuration");
        if (brokers != null) {
            org.codehaus.plexus.util.xml.Xpp3Dom child = new org.codehaus.plexus.util.xml.Xpp3Dom("bootstrapServers");
            child.setValue(brokers);
            configuration.addChild(child);
        }
        execution.setConfiguration(configuration);
        return execution;
    }
}
