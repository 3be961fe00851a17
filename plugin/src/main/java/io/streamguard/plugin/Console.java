package io.streamguard.plugin;

/** Where services report progress: Maven's log in the mojos, a test's output in tests. */
public interface Console {

    void info(String message);

    void warn(String message);

    /** An error that does not (yet) fail the build, e.g. a forked job's ERROR line; a warning where none exists. */
    default void error(String message) {
        warn(message);
    }

    void debug(String message);

    /**
     * A value read from the data (a user name, a reason) as one printable line: backslashes, line breaks, control
     * and format characters (terminal escapes, bidirectional overrides, zero-width characters) are shown as
     * escapes, so a record cannot forge log lines ({@code "x\n[INFO] BUILD SUCCESS"}) or drive the terminal.
     */
    static String printable(String value) {
        if (value == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder(value.length());
        value.codePoints().forEach(c -> {
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    int type = Character.getType(c);
                    if (type == Character.CONTROL || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                            || type == Character.PARAGRAPH_SEPARATOR || type == Character.SURROGATE
                            || type == Character.UNASSIGNED || type == Character.PRIVATE_USE) {
                        if (c > 0xFFFF) {
                            out.append(String.format(java.util.Locale.ROOT, "\\U%08X", c));
                        } else {
                            out.append(String.format(java.util.Locale.ROOT, "\\u%04X", c));
                        }
                    } else {
                        out.appendCodePoint(c);
                    }
                }
            }
        });
        return out.toString();
    }

    /** Writes to standard error; for plain-Java callers outside Maven. */
    static Console stderr() {
        return new Console() {
            @Override
            public void info(String message) {
                System.err.println("[INFO] " + message);
            }

            @Override
            public void warn(String message) {
                System.err.println("[WARN] " + message);
            }

            @Override
            public void error(String message) {
                System.err.println("[ERROR] " + message);
            }

            @Override
            public void debug(String message) {
            }
        };
    }
}
