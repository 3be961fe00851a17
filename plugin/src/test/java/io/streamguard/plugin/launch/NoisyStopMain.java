package io.streamguard.plugin.launch;

/**
 * A forked main that says what it is doing, then waits; stopped, it prints lines of noise from a shutdown hook, as
 * Spark does when it cancels its jobs.
 */
public final class NoisyStopMain {

    private NoisyStopMain() {
    }

    public static void main(String[] args) throws Exception {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (int i = 0; i < 100; i++) {
                System.out.println("noise while stopping " + i);
            }
            System.out.flush();
        }));
        System.out.println("working on it");
        System.out.flush();
        Thread.sleep(600_000);
    }
}
