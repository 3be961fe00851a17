package io.streamguard.plugin;

/** Where services report progress: Maven's log in the mojos, a test's output in tests. */
public interface Console {

    void info(String message);

    void warn(String message);

    void debug(String message);

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
            public void debug(String message) {
            }
        };
    }
}
