package io.streamguard.spec;

import java.util.Locale;
import java.util.function.Function;

/**
 * One setting of a job: its option ({@code --max-events}), its Maven property ({@code streamguard.maxEvents}), its
 * default, how its text is read and written, and what it accepts. The one definition that the job's argument
 * parser, the usage text and the Maven goals all use.
 *
 * @param option the job's option without {@code --}
 * @param property the Maven user property
 * @param argument what the value is, for the usage text ({@code N}, {@code URL})
 * @param defaultValue null when the setting is optional or required
 * @param help one line for the usage text
 * @param parse reads the text; throws {@link IllegalArgumentException} with the message that follows the name
 * @param format writes a value as {@link #parse} reads it
 * @param check the message (following the name) for a value it refuses, or null for a valid one
 */
public record Setting<T>(String option, String property, String argument, T defaultValue, String help, Function<String, T> parse,
                         Function<T, String> format, Function<T, String> check) {

    /** Who reads a message: the job's command line or a Maven build. */
    public enum Naming {
        OPTION, PROPERTY
    }

    /** The setting's name for {@code naming}. */
    public String name(Naming naming) {
        return naming == Naming.OPTION ? "--" + option : property;
    }

    /**
     * The value of {@code text}, checked.
     *
     * @throws InvalidSettingException naming the setting and what it accepts
     */
    public T read(String text, Naming naming) {
        T value;
        try {
            value = parse.apply(text.trim());
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException(name(naming) + " " + e.getMessage());
        }
        String problem = check.apply(value);
        if (problem != null) {
            throw new InvalidSettingException(name(naming) + " " + problem);
        }
        return value;
    }

    public String write(T value) {
        return format.apply(value);
    }

    /** The usage line: option, argument, help and default. */
    public String usageLine() {
        String left = "  --" + option + " " + argument;
        return left + " ".repeat(Math.max(1, 31 - left.length())) + help
                + (defaultValue == null ? "" : " (default " + write(defaultValue) + ")");
    }

    private static <T> Setting<T> of(String option, String property, String argument, String defaultText,
                                     String help, Function<String, T> parse, Function<T, String> format,
                                     Function<T, String> check) {
        return new Setting<>(option, property, argument, defaultText == null ? null : parse.apply(defaultText), help,
                parse, format, check);
    }

    public static Setting<String> text(String option, String property, String argument, String defaultText, String help,
                                Function<String, String> check) {
        return of(option, property, argument, defaultText, help, Function.identity(), Function.identity(), check);
    }

    public static Setting<Long> whole(String option, String property, String argument, String defaultText, String help,
                               Function<Long, String> check) {
        return of(option, property, argument, defaultText, help, Setting::parseLong, v -> Long.toString(v), check);
    }

    public static Setting<Integer> atLeast(String option, String property, String argument, String defaultText, int min,
                                    String help) {
        return of(option, property, argument, defaultText, help, text -> {
            long value = parseLong(text);
            if (value > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("must be at most " + Integer.MAX_VALUE + "; was " + value + ".");
            }
            return (int) Math.max(value, Integer.MIN_VALUE);
        }, v -> Integer.toString(v), v -> v < min ? "must be at least " + min + "; was " + v + "." : null);
    }

    public static Setting<Double> number(String option, String property, String argument, String defaultText, String help,
                                  Function<Double, String> check) {
        return of(option, property, argument, defaultText, help, text -> {
            try {
                return Double.parseDouble(text);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("must be a number; was '" + text + "'.");
            }
        }, v -> Double.toString(v), check);
    }

    private static long parseLong(String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("must be a whole number; was '" + text + "'.");
        }
    }

    /** {@code text} in lower case, for keywords such as {@code newest}. */
    static String keyword(String text) {
        return text.trim().toLowerCase(Locale.ROOT);
    }
}
