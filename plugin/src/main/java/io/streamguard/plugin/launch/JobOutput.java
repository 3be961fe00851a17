package io.streamguard.plugin.launch;

import io.streamguard.plugin.Console;
import java.util.function.Consumer;

/**
 * The output of a forked job, line by line, to the console at the level the job logged it: its log4j2 layout
 * ({@link io.streamguard.spec.JvmPolicy#logConfig()}) starts each event with {@value #PREFIX} and the level, so
 * {@code WARN} reaches Maven as {@code [WARNING]} and {@code ERROR}/{@code FATAL} as {@code [ERROR]}. A line that
 * continues an event (a stack trace, a multi-line message) keeps that event's level; any other line (the JVM's own
 * warnings, a main's plain output) is information.
 */
public final class JobOutput implements Consumer<String> {

    /** How the job's log layout starts every event: {@code [job] %p %c{1} - %m%n}. */
    public static final String PREFIX = "[job] ";

    /** A level as Maven shows it. */
    public enum Level { ERROR, WARN, INFO, DEBUG }

    private final Console console;
    private Level current = Level.INFO;

    public JobOutput(Console console) {
        this.console = console;
    }

    @Override
    public void accept(String line) {
        current = levelOf(line, current);
        switch (current) {
            case ERROR -> console.error(line);
            case WARN -> console.warn(line);
            case DEBUG -> console.debug(line);
            default -> console.info(line);
        }
    }

    /**
     * @param previous the level of the line before, which a continuation line keeps
     * @return the level {@code line} is shown at
     */
    static Level levelOf(String line, Level previous) {
        if (line.startsWith(PREFIX)) {
            int end = line.indexOf(' ', PREFIX.length());
            String level = end < 0 ? line.substring(PREFIX.length()) : line.substring(PREFIX.length(), end);
            return switch (level) {
                case "FATAL", "ERROR" -> Level.ERROR;
                case "WARN" -> Level.WARN;
                case "DEBUG", "TRACE" -> Level.DEBUG;
                default -> Level.INFO;
            };
        }
        boolean continuation = !line.isEmpty() && (Character.isWhitespace(line.charAt(0))
                || line.startsWith("Caused by: ") || THROWABLE.matcher(line).matches());
        return continuation ? previous : Level.INFO;
    }

    /** The first line of a stack trace that log4j prints after an event: {@code java.io.IOException: message}. */
    private static final java.util.regex.Pattern THROWABLE =
            java.util.regex.Pattern.compile("(?:[a-z_$][\\w$]*\\.)+[A-Z][\\w$]*(?:: .*)?");
}
