package io.streamguard.plugin.launch;

/**
 * A forked main that logs one event at each level through the job's log4j2 (found reflectively: the plugin's test
 * classpath has no log4j, the job's classpath, which the fork gets, has), then prints a plain line.
 */
public final class LogLevelsMain {

    private LogLevelsMain() {
    }

    public static void main(String[] args) throws Exception {
        Class<?> logManager = Class.forName("org.apache.logging.log4j.LogManager");
        Object logger = logManager.getMethod("getLogger", String.class).invoke(null, "io.streamguard.test.Levels");
        Class<?> type = logger.getClass();
        type.getMethod("info", String.class).invoke(logger, "an information");
        type.getMethod("warn", String.class).invoke(logger, "a warning");
        type.getMethod("error", String.class, Throwable.class).invoke(logger, "an error",
                new IllegalStateException("the cause"));
        type.getMethod("info", String.class).invoke(logger, "information again");
        System.out.println("a plain line");
        System.out.flush();
    }
}
