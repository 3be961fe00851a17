package io.streamguard.report;

/**
 * Names the output commit leaves in the output directory, shared by the job (which writes them) and
 * {@code verify-report} (which checks them) without pulling Hadoop into the plugin.
 */
public final class CommitFiles {

    /** Present only while a commit is in progress, or was cut short: the next run completes that commit. */
    public static final String JOURNAL = ".streamguard-commit";
    /** Inside every committed directory item: the id of the run that wrote it (the report's {@code run.run_id}). */
    public static final String RUN_ID_MARKER = "_RUN_ID";
    /**
     * The report for a person, committed with {@code anomaly_report.json}: self-contained HTML that names its run in
     * {@code <meta name="streamguard-run-id">}.
     */
    public static final String REPORT_PAGE = "anomaly_report.html";

    private CommitFiles() {
    }
}
