package io.streamguard.plugin.mojo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;

import org.apache.maven.api.plugin.testing.InjectMojo;
import org.apache.maven.api.plugin.testing.MojoParameter;
import org.apache.maven.api.plugin.testing.MojoTest;
import org.apache.maven.plugin.MojoFailureException;
import org.junit.jupiter.api.Test;

@MojoTest
class VerifyReportMojoTest {

    private static final String POM = "src/test/resources/unit/project/pom.xml";

    @Test
    @InjectMojo(goal = "verify-report", pom = POM)
    @MojoParameter(name = "report", value = "target/no-such-dir/anomaly_report.json")
    void aMissingReportFailsTheBuildAndSaysWhatToDo(VerifyReportMojo mojo) {
        assertThatThrownBy(mojo::execute).isInstanceOf(MojoFailureException.class)
                .hasMessageContaining("1 violation(s) in ")
                .hasMessageContaining("no such file (run 'mvn streamguard:run' first");
    }

    @Test
    @InjectMojo(goal = "verify-report", pom = POM)
    @MojoParameter(name = "report", value = "target/no-such-dir/anomaly_report.json")
    @MojoParameter(name = "junitReport", value = "target/mojo-junit/verify-report.xml")
    void aFailingGateStillWritesItsJUnitReport(VerifyReportMojo mojo) throws Exception {
        Files.deleteIfExists(mojo.junitReport.toPath());
        assertThatThrownBy(mojo::execute).isInstanceOf(MojoFailureException.class);
        assertThat(Files.readString(mojo.junitReport.toPath()))
                .contains("<testsuite name=\"streamguard.verify-report\" tests=\"15\" failures=\"1\" errors=\"0\" "
                        + "skipped=\"14\"")
                .contains("<testcase classname=\"streamguard.verify-report\" name=\"schema\"")
                .contains("<failure message=\"anomaly_report.json: expected a report at ");
    }

    @Test
    @InjectMojo(goal = "verify-report", pom = POM)
    @MojoParameter(name = "report", value = "target/no-such-dir/anomaly_report.json")
    @MojoParameter(name = "junitReport", value = "pom.xml/verify-report.xml")
    void anUnwritableJUnitReportFailsTheBuildAndNamesIt(VerifyReportMojo mojo) {
        assertThatThrownBy(mojo::execute).isInstanceOf(org.apache.maven.plugin.MojoExecutionException.class)
                .hasMessageContaining("Could not write the JUnit report ")
                .hasMessageContaining("Point streamguard.junitReport at a writable file.")
                .hasMessageContaining("The report had 1 violation(s)");
    }

    @Test
    @InjectMojo(goal = "verify-report", pom = POM)
    @MojoParameter(name = "report", value = "target/no-such-dir/anomaly_report.json")
    @MojoParameter(name = "failOnViolation", value = "false")
    void failOnViolationFalseOnlyWarns(VerifyReportMojo mojo) throws Exception {
        mojo.execute();
    }

    @Test
    @InjectMojo(goal = "verify-report", pom = POM)
    @MojoParameter(name = "maxAnomalyRate", value = "1.5")
    void aRateGateOutsideTheUnitIntervalIsAConfigurationError(VerifyReportMojo mojo) {
        assertThatThrownBy(mojo::execute).isInstanceOf(MojoFailureException.class)
                .hasMessage("streamguard.maxAnomalyRate must be in [0, 1]; was 1.5.");
    }

    @Test
    @InjectMojo(goal = "verify-report", pom = POM)
    @MojoParameter(name = "minAuroc", value = "NaN")
    void aNaNGateIsAConfigurationErrorNotAGateThatAlwaysPasses(VerifyReportMojo mojo) {
        assertThatThrownBy(mojo::execute).isInstanceOf(MojoFailureException.class)
                .hasMessage("streamguard.minAuroc must be in [0, 1]; was NaN.");
    }

    @Test
    @InjectMojo(goal = "verify-report", pom = POM)
    @MojoParameter(name = "minPrecisionAtK", value = "-0.5")
    void aNegativePrecisionGateIsAConfigurationError(VerifyReportMojo mojo) {
        assertThatThrownBy(mojo::execute).isInstanceOf(MojoFailureException.class)
                .hasMessage("streamguard.minPrecisionAtK must be in [0, 1]; was -0.5.");
    }

    @Test
    @InjectMojo(goal = "verify-report", pom = POM)
    @MojoParameter(name = "minUsers", value = "-5")
    void aNegativeCountGateIsAConfigurationError(VerifyReportMojo mojo) {
        assertThatThrownBy(mojo::execute).isInstanceOf(MojoFailureException.class)
                .hasMessage("streamguard.minUsers must be 0 or more; was -5.");
    }

    @Test
    @InjectMojo(goal = "verify-report", pom = POM)
    @MojoParameter(name = "skip", value = "true")
    @MojoParameter(name = "report", value = "target/no-such-dir/anomaly_report.json")
    void skipSkips(VerifyReportMojo mojo) throws Exception {
        mojo.execute();
    }

    @Test
    @InjectMojo(goal = "verify-report", pom = POM)
    @MojoParameter(name = "skipITs", value = "true")
    @MojoParameter(name = "report", value = "target/no-such-dir/anomaly_report.json")
    void skipITsSkipsTheGateOfTheRunItSkipped(VerifyReportMojo mojo) throws Exception {
        mojo.execute();
    }
}
