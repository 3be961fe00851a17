package io.streamguard.plugin.mojo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.maven.api.plugin.testing.InjectMojo;
import org.apache.maven.api.plugin.testing.MojoParameter;
import org.apache.maven.api.plugin.testing.MojoTest;
import org.apache.maven.plugin.MojoFailureException;
import org.junit.jupiter.api.Test;

@MojoTest
class EvaluateMojoTest {

    private static final String POM = "src/test/resources/unit/project/pom.xml";

    @Test
    @InjectMojo(goal = "evaluate", pom = POM)
    void oneInputIsRequired(EvaluateMojo mojo) {
        assertThatThrownBy(mojo::execute).isInstanceOf(MojoFailureException.class)
                .hasMessage("Give exactly one of streamguard.dataset (a labelled CSV) and streamguard.groundTruth "
                        + "(the ground_truth.json of a finished run).");
    }

    @Test
    @InjectMojo(goal = "evaluate", pom = POM)
    @MojoParameter(name = "dataset", value = "no/such.csv")
    void aMissingDatasetIsNamed(EvaluateMojo mojo) {
        assertThatThrownBy(mojo::execute).isInstanceOf(MojoFailureException.class)
                .hasMessageEndingWith("such.csv does not exist.");
    }

    @Test
    @InjectMojo(goal = "evaluate", pom = POM)
    @MojoParameter(name = "dataset", value = "pom.xml")
    @MojoParameter(name = "evalSplit", value = "1.5")
    void aSplitOutsideTheUnitIntervalIsRejected(EvaluateMojo mojo) {
        assertThatThrownBy(mojo::execute).isInstanceOf(MojoFailureException.class)
                .hasMessage("streamguard.evalSplit must be a share in (0, 1) such as 0.7, or 'all'; was '1.5'.");
    }

    @Test
    @InjectMojo(goal = "evaluate", pom = POM)
    @MojoParameter(name = "skipITs", value = "true")
    @MojoParameter(name = "dataset", value = "no/such.csv")
    void skipITsSkipsBeforeValidating(EvaluateMojo mojo) throws Exception {
        mojo.execute();
    }

    @Test
    @InjectMojo(goal = "evaluate", pom = POM)
    @MojoParameter(name = "dataset", value = "pom.xml")
    @MojoParameter(name = "jvmArgs", value = "-Xmx2g,-Dev.token=TOK-7777")
    void aSecretInJvmArgsIsRefusedNotPutOnTheCommandLine(EvaluateMojo mojo) {
        assertThatThrownBy(mojo::execute).isInstanceOf(MojoFailureException.class)
                .hasMessageStartingWith("streamguard.jvmArgs holds -Dev.token=****, which looks like a secret")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("TOK-7777"));
    }

    @Test
    @InjectMojo(goal = "evaluate", pom = POM)
    @MojoParameter(name = "dataset", value = "pom.xml")
    @MojoParameter(name = "jvmArgs", value = "-Dev.x=env:SG_EVX")
    void anEnvReferenceInJvmArgsIsRefusedNotPassedAsText(EvaluateMojo mojo) {
        assertThatThrownBy(mojo::execute).isInstanceOf(MojoFailureException.class)
                .hasMessageContaining("holds -Dev.x=env:SG_EVX, which looks like a secret or names an environment");
    }
}
