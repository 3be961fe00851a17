package io.streamguard.pipeline.output;

import java.util.List;
import org.apache.hadoop.conf.Configuration;

/**
 * {@code CommitInAnotherJvm DIR RUN STEP PAUSE_MS}: stages and commits {@code RUN} into {@code DIR} (see
 * {@link OutputCommitterCrashTest#stage}), printing {@code AT STEP} when the commit reaches {@code STEP} and pausing
 * there, so that {@link OutputCommitterKillTest} can kill or stop it at exactly that point.
 */
public final class CommitInAnotherJvm {

    public static void main(String[] args) throws Exception {
        String step = args[2];
        long pauseMs = Long.parseLong(args[3]);
        try (OutputCommitter c = OutputCommitter.begin(args[0], new Configuration(), args[1], true, reached -> {
            if (reached.equals(step)) {
                System.out.println("AT " + reached);
                System.out.flush();
                try {
                    Thread.sleep(pauseMs);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        })) {
            OutputCommitterCrashTest.stage(c, args[1]);
            c.commit(OutputCommitterCrashTest.ITEMS, OutputCommitterCrashTest.REPORT);
        }
        System.out.println("COMMITTED");
    }
}
