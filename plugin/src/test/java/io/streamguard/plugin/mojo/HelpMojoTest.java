package io.streamguard.plugin.mojo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.maven.api.plugin.testing.InjectMojo;
import org.apache.maven.api.plugin.testing.MojoParameter;
import org.apache.maven.api.plugin.testing.MojoTest;
import org.apache.maven.plugin.Mojo;
import org.apache.maven.plugin.logging.SystemStreamLog;
import org.junit.jupiter.api.Test;

/** {@code mvn streamguard:help -Ddetail}: the goal maven-plugin-plugin generates from the mojos' descriptor. */
@MojoTest
class HelpMojoTest {

    private static final String POM = "src/test/resources/unit/project/pom.xml";

    @Test
    @InjectMojo(goal = "help", pom = POM)
    @MojoParameter(name = "detail", value = "true")
    void helpWithDetailListsEveryGoalWithItsParametersAndUserProperties(Mojo mojo) throws Exception {
        List<String> info = new ArrayList<>();
        mojo.setLog(new SystemStreamLog() {
            @Override
            public void info(CharSequence content) {
                info.add(content.toString());
            }
        });
        mojo.execute();
        String text = String.join("\n", info);
        assertThat(text).contains("streamguard:run", "streamguard:verify-report", "streamguard:evaluate",
                "streamguard:benchmark", "streamguard:help");
        assertThat(text).contains("bootstrapServers", "User property: streamguard.bootstrapServers",
                "User property: skipITs", "maxEvents (Default: 10000)");
    }
}
