package io.streamguard.plugin;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** A console that keeps each line with the level it was shown at: {@code "WARN message"}. */
public final class RecordingConsole implements Console {

    private final List<String> lines = Collections.synchronizedList(new ArrayList<>());

    public List<String> lines() {
        return List.copyOf(lines);
    }

    /** The messages shown at {@code level} (ERROR, WARN, INFO, DEBUG), in order. */
    public List<String> at(String level) {
        return lines().stream().filter(l -> l.startsWith(level + " ")).map(l -> l.substring(level.length() + 1))
                .toList();
    }

    @Override
    public void info(String message) {
        lines.add("INFO " + message);
    }

    @Override
    public void warn(String message) {
        lines.add("WARN " + message);
    }

    @Override
    public void error(String message) {
        lines.add("ERROR " + message);
    }

    @Override
    public void debug(String message) {
        lines.add("DEBUG " + message);
    }
}
