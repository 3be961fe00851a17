package io.streamguard.plugin.mojo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamguard.plugin.bench.BenchmarkFailedException;
import io.streamguard.plugin.bench.BenchmarkRequest;
import java.io.UncheckedIOException;
import org.apache.maven.api.plugin.testing.InjectMojo;
import org.apache.maven.api.plugin.testing.MojoParameter;
import org.apache.maven.api.plugin.testing.MojoTest;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.junit.jupiter.api.Test;

@MojoTest
class BenchmarkMojoTest {

    private static final String POM = "src/test/resources/unit/project/pom.xml";

    @Test
    @InjectMojo(goal = "benchmark", pom = POM)
    void defaultsAreTheDocumentedOnes(BenchmarkMojo mojo) throws Exception {
        BenchmarkRequest request = mojo.validate();
        assertThat(request.embedded()).isTrue();
        assertThat(request.seedTopics()).isFalse();
        assertThat(request.topicSizes()).containsExactly(10_000L, 1_000_000L);
        assertThat(request.maxEvents()).containsExactly(1_000L);
        assertThat(request.forks()).isEqualTo(1);
        assertThat(request.warmupIterations()).isEqualTo(1);
        assertThat(request.iterations()).isEqualTo(3);
        assertThat(request.include()).isEqualTo(".*");
        assertThat(request.minSpeedup()).isEqualTo(20.0);
        assertThat(request.maxFlatness()).isEqualTo(1.5);
        assertThat(request.thresholdPercent()).isEqualTo(25.0);
        assertThat(request.failOnRegression()).isTrue();
        assertThat(request.historyWindow()).isEqualTo(5);
        assertThat(request.baseline()).isNull();
        assertThat(request.saveBaseline()).isNull();
        assertThat(request.history()).isNull();
        assertThat(request.outputDirectory().toString().replace('\\', '/')).endsWith("target/streamguard");
    }

    @Test
    @InjectMojo(goal = "benchmark", pom = POM)
    @MojoParameter(name = "skip", value = "true")
    @MojoParameter(name = "forks", value = "0")
    void skipDoesNothingNotEvenValidate(BenchmarkMojo mojo) throws Exception {
        mojo.execute();
    }

    @Test
    @InjectMojo(goal = "benchmark", pom = POM)
    @MojoParameter(name = "forks", value = "0")
    void sparkNeverRunsInJmhsOwnJvm(BenchmarkMojo mojo) {
        assertThatThrownBy(mojo::execute).isInstanceOf(MojoFailureException.class)
                .hasMessageStartingWith("streamguard.forks must be >= 1 (Spark runs in JMH's forks");
    }

    @Test
    @InjectMojo(goal = "benchmark", pom = POM)
    @MojoParameter(name = "topicSizes", value = "500,1000000")
    @MojoParameter(name = "maxEvents", value = "1000")
    void aBoundedReadLargerThanATopicIsRejected(BenchmarkMojo mojo) {
        assertThatThrownBy(mojo::execute).isInstanceOf(MojoFailureException.class)
                .hasMessage("streamguard.maxEvents 1000 is more than the smallest topic size 500: a bounded read "
                        + "must take exactly maxEvents events from every topic.");
    }

    @Test
    @InjectMojo(goal = "benchmark", pom = POM)
    @MojoParameter(name = "topicSizes", value = "10000,lots")
    void topicSizesMustBeNumbers(BenchmarkMojo mojo) {
        assertThatThrownBy(mojo::execute).isInstanceOf(MojoFailureException.class)
                .hasMessage("streamguard.topicSizes must be a comma-separated list of whole numbers >= 1; got "
                        + "'10000,lots'.");
    }

    @Test
    @InjectMojo(goal = "benchmark", pom = POM)
    @MojoParameter(name = "minSpeedup", value = "0")
    void gatesMustBePositiveRatios(BenchmarkMojo mojo) {
        assertThatThrownBy(mojo::execute).isInstanceOf(MojoFailureException.class)
                .hasMessage("streamguard.minSpeedup and streamguard.maxFlatness must be positive ratios; were 0.0 "
                        + "and 1.5.");
    }

    @Test
    @InjectMojo(goal = "benchmark", pom = POM)
    @MojoParameter(name = "include", value = "Kafka[")
    void includeMustBeARegularExpression(BenchmarkMojo mojo) {
        assertThatThrownBy(mojo::execute).isInstanceOf(MojoFailureException.class)
                .hasMessageStartingWith("streamguard.include 'Kafka[' is not a regular expression");
    }

    @Test
    @InjectMojo(goal = "benchmark", pom = POM)
    @MojoParameter(name = "saveBaseline", value = "true")
    void savingABaselineNeedsItsFile(BenchmarkMojo mojo) {
        assertThatThrownBy(mojo::execute).isInstanceOf(MojoFailureException.class)
                .hasMessage("streamguard.saveBaseline needs streamguard.baseline: the file to write.");
    }

    @Test
    @InjectMojo(goal = "benchmark", pom = POM)
    @MojoParameter(name = "historyWindow", value = "0")
    void theHistoryWindowHoldsAtLeastOneEntry(BenchmarkMojo mojo) {
        assertThatThrownBy(mojo::execute).isInstanceOf(MojoFailureException.class)
                .hasMessage("streamguard.historyWindow must be >= 1; was 0.");
    }

    @Test
    @InjectMojo(goal = "benchmark", pom = POM)
    @MojoParameter(name = "bootstrapServers", value = "kafka-1:9092")
    @MojoParameter(name = "seedTopics", value = "true")
    @MojoParameter(name = "baseline", value = "target/bench-baseline.json")
    @MojoParameter(name = "saveBaseline", value = "true")
    @MojoParameter(name = "history", value = "bench-history.jsonl")
    @MojoParameter(name = "jvmArgs", value = "-Xmx3g,-Dnote=a b")
    void theUsersBrokersSeedingHistoryAndJvmOptionsReachTheRequest(BenchmarkMojo mojo) throws Exception {
        BenchmarkRequest request = mojo.validate();
        assertThat(request.embedded()).isFalse();
        assertThat(request.seedTopics()).isTrue();
        assertThat(request.baseline()).as("no baseline yet: nothing to compare with").isNull();
        assertThat(request.saveBaseline().toString().replace('\\', '/')).endsWith("bench-baseline.json");
        assertThat(request.history().toString()).endsWith("bench-history.jsonl");
        assertThat(request.jvmArgs()).containsExactly("-Xmx3g", "-Dnote=a b");
    }

    @Test
    void whatTheUserCanFixFailsTheBuildTheRestIsAnError() {
        assertThat(BenchmarkMojo.toMojoException(new BenchmarkFailedException("streamguard:benchmark failed (1 "
                + "problem):\n  FAILED KafkaReadBenchmark.boundedReadNewest (maxEvents=1000, topicSize=10000): boom")))
                .isInstanceOf(MojoFailureException.class).hasMessageContaining("boundedReadNewest (maxEvents=1000");
        assertThat(BenchmarkMojo.toMojoException(new IllegalArgumentException("Topic bench-10000 does not exist")))
                .isInstanceOf(MojoFailureException.class).hasMessage("Topic bench-10000 does not exist");
        assertThat(BenchmarkMojo.toMojoException(new UncheckedIOException("disk full", new java.io.IOException())))
                .isInstanceOf(MojoExecutionException.class).hasMessage("streamguard:benchmark failed: disk full");
    }
}
