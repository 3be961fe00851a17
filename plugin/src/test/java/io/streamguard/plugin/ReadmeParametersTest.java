package io.streamguard.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The README's parameter tables against the plugin's descriptor ({@code META-INF/maven/plugin.xml}, generated from
 * the mojos): every parameter a user can set is in its goal's table and nothing else is, each user property is the
 * one the table gives ({@code streamguard.<name>} unless the row names another), and each default is the code's.
 */
class ReadmeParametersTest {

    private static final Path README = Path.of("..", "README.md");
    private static final Path DESCRIPTOR = Path.of("target", "classes", "META-INF", "maven", "plugin.xml");
    private static final Pattern NAME_CELL = Pattern.compile("`(\\w+)`(?: \\(`([\\w.]+)`\\))?");

    /** A parameter as the descriptor defines it; property and defaultValue are null when it has none. */
    record Parameter(String property, String defaultValue) {
    }

    /** A row of a README table: the name cell, the default cell. */
    record Row(String property, String defaultCell) {
    }

    @ParameterizedTest
    @ValueSource(strings = {"run", "verify-report", "evaluate", "benchmark"})
    void theReadmeTableOfEachGoalIsItsDescriptor(String goal) throws Exception {
        Map<String, Parameter> code = descriptor(goal);
        Map<String, Row> readme = readmeTable(goal);

        assertThat(readme.keySet()).as("parameters of streamguard:%s in the README", goal)
                .containsExactlyInAnyOrderElementsOf(code.keySet());
        code.forEach((name, parameter) -> {
            Row row = readme.get(name);
            String property = row.property() != null ? row.property() : "streamguard." + name;
            if (parameter.property() == null) {
                assertThat(row.property()).as("%s:%s has no user property", goal, name).isNull();
            } else {
                assertThat(property).as("user property of %s:%s", goal, name).isEqualTo(parameter.property());
            }
            if (parameter.defaultValue() != null) {
                assertThat(row.defaultCell()).as("default of %s:%s", goal, name)
                        .contains("`" + parameter.defaultValue() + "`");
            }
        });
    }

    /** The parameters a POM or the command line can set (not the read-only ones Maven injects). */
    private static Map<String, Parameter> descriptor(String goal) throws Exception {
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(DESCRIPTOR.toFile());
        NodeList mojos = doc.getElementsByTagName("mojo");
        for (int i = 0; i < mojos.getLength(); i++) {
            Element mojo = (Element) mojos.item(i);
            if (!goal.equals(text(mojo, "goal"))) {
                continue;
            }
            Map<String, Parameter> result = new LinkedHashMap<>();
            Element configuration = (Element) mojo.getElementsByTagName("configuration").item(0);
            NodeList parameters = ((Element) mojo.getElementsByTagName("parameters").item(0))
                    .getElementsByTagName("parameter");
            for (int p = 0; p < parameters.getLength(); p++) {
                Element parameter = (Element) parameters.item(p);
                if (!"true".equals(text(parameter, "editable"))) {
                    continue;
                }
                String name = text(parameter, "name");
                String property = null;
                String defaultValue = null;
                NodeList configured = configuration.getElementsByTagName(name);
                if (configured.getLength() > 0) {
                    Element value = (Element) configured.item(0);
                    Matcher m = Pattern.compile("\\$\\{(.+)}").matcher(value.getTextContent().trim());
                    property = m.matches() ? m.group(1) : null;
                    defaultValue = value.hasAttribute("default-value") ? value.getAttribute("default-value") : null;
                }
                result.put(name, new Parameter(property, defaultValue));
            }
            return result;
        }
        throw new AssertionError("no goal " + goal + " in " + DESCRIPTOR);
    }

    private static String text(Element parent, String child) {
        NodeList nodes = parent.getElementsByTagName(child);
        return nodes.getLength() == 0 ? null : nodes.item(0).getTextContent().trim();
    }

    /** The rows of the table under "### `streamguard:GOAL` parameters", up to the first line that is no row. */
    private static Map<String, Row> readmeTable(String goal) throws Exception {
        List<String> lines = Files.readAllLines(README);
        int heading = lines.indexOf("### `streamguard:" + goal + "` parameters");
        assertThat(heading).as("README section for streamguard:%s", goal).isNotNegative();
        int header = heading + 1;
        while (!lines.get(header).startsWith("| parameter |")) {
            assertThat(lines.get(header)).as("README: the table follows its heading").doesNotStartWith("#");
            header++;
        }
        Map<String, Row> rows = new LinkedHashMap<>();
        for (int i = header + 2; i < lines.size() && lines.get(i).startsWith("|"); i++) {
            String[] cells = lines.get(i).split("\\|");
            Matcher name = NAME_CELL.matcher(cells[1].trim());
            assertThat(name.matches()).as("README row of %s: %s", goal, lines.get(i)).isTrue();
            assertThat(rows.put(name.group(1), new Row(name.group(2), cells[2].trim())))
                    .as("%s listed twice for %s", name.group(1), goal).isNull();
        }
        return rows;
    }
}
