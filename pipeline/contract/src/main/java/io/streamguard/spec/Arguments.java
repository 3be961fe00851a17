package io.streamguard.spec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A job's command line: {@code --name value} or {@code --name=value}. Options named in {@code repeatable} may occur
 * more than once; any other occurs at most once and must be known. The one parser of every StreamGuard main.
 *
 * @param single the options given once, in order
 * @param repeated the values of the repeatable options, in order
 */
public record Arguments(Map<String, String> single, Map<String, List<String>> repeated) {

    /**
     * @param known the options accepted once (without {@code --})
     * @param repeatable the options accepted any number of times
     * @param usage appended to messages about the command line's shape
     * @throws InvalidSettingException for a missing value, a repeated or unknown option, or a stray argument
     */
    public static Arguments parse(String[] args, Set<String> known, Set<String> repeatable, String usage) {
        Map<String, String> single = new LinkedHashMap<>();
        Map<String, List<String>> repeated = new LinkedHashMap<>();
        List<String> positional = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                positional.add(arg);
                continue;
            }
            String name;
            String value;
            int eq = arg.indexOf('=');
            if (eq > 0) {
                name = arg.substring(2, eq);
                value = arg.substring(eq + 1);
            } else {
                name = arg.substring(2);
                if (i + 1 >= args.length) {
                    throw new InvalidSettingException("Option --" + name + " needs a value.\n" + usage);
                }
                value = args[++i];
            }
            if (repeatable.contains(name)) {
                repeated.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
            } else if (!known.contains(name)) {
                unknown.add(name);
            } else if (single.put(name, value) != null) {
                throw new InvalidSettingException("Option --" + name + " was given twice.");
            }
        }
        if (!positional.isEmpty()) {
            throw new InvalidSettingException("Unexpected argument(s) " + positional + ".\n" + usage);
        }
        if (!unknown.isEmpty()) {
            throw new InvalidSettingException("Unknown option(s) " + unknown + ".\n" + usage);
        }
        return new Arguments(single, repeated);
    }

    /** The values of a repeatable option; empty when it was not given. */
    public List<String> all(String name) {
        return repeated.getOrDefault(name, List.of());
    }

    /** The value of {@code setting} read and checked, or its default when it was not given. */
    public <T> T get(Setting<T> setting) {
        String text = single.get(setting.option());
        return text == null ? setting.defaultValue() : setting.read(text, Setting.Naming.OPTION);
    }

    /** The value of {@code setting}; a missing or blank one fails with the usage. */
    public <T> T required(Setting<T> setting, String usage) {
        String text = single.get(setting.option());
        if (text == null || text.isBlank()) {
            throw new InvalidSettingException("Missing required option --" + setting.option() + ".\n" + usage);
        }
        return setting.read(text, Setting.Naming.OPTION);
    }
}
