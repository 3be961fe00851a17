package io.streamguard.plugin.launch;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SparkJavaSupportTest {

    @Test
    void java17RunsSparkWithoutAWord() {
        Runtime.Version v = Runtime.Version.parse("17.0.15+6-Debian-1deb12u1");
        assertThat(SparkJavaSupport.problem(v, "/usr/lib/jvm/java-17-openjdk-amd64")).isEmpty();
        assertThat(SparkJavaSupport.warning(v, "/usr/lib/jvm/java-17-openjdk-amd64")).isEmpty();
    }

    @Test
    void java25IsRefusedNamingTheJdkTheReasonAndWhatToDo() {
        // Measured here: Temurin 25.0.3 fails in UserGroupInformation.getCurrentUser with exactly this reason.
        assertThat(SparkJavaSupport.problem(Runtime.Version.parse("25.0.3+9-LTS"), "/opt/jdk-25")).contains(
                "Maven runs on Java 25.0.3+9-LTS (/opt/jdk-25), and StreamGuard forks its Spark 3.5 job on the JDK "
                + "that runs Maven. Spark 3.5 cannot start on Java 23 or later: Hadoop's UserGroupInformation calls "
                + "Subject.getSubject, which fails there with \"getSubject is not supported\". Run Maven on Java 17, "
                + "e.g. JAVA_HOME=<a JDK 17> ./mvnw ... (on Debian: apt-get install openjdk-17-jdk-headless, then "
                + "JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64).");
    }

    @Test
    void theFirstRefusedJdkIs23() {
        assertThat(SparkJavaSupport.problem(Runtime.Version.parse("23"), "/j")).isPresent();
        assertThat(SparkJavaSupport.problem(Runtime.Version.parse("22.0.2"), "/j")).isEmpty();
    }

    @Test
    void java21RunsWithAWarningThatSparkDoesNotSupportIt() {
        Runtime.Version v = Runtime.Version.parse("21.0.5+11");
        assertThat(SparkJavaSupport.problem(v, "/opt/jdk-21")).isEmpty();
        assertThat(SparkJavaSupport.warning(v, "/opt/jdk-21")).contains("Maven runs on Java 21.0.5+11 (/opt/jdk-21), "
                + "and the Spark 3.5 job is forked on it: Spark 3.5 supports Java 17 (and 8, 11), and StreamGuard is "
                + "tested on 17 only. If the job fails, run Maven on Java 17.");
    }
}
