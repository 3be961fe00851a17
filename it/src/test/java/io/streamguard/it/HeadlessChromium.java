package io.streamguard.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Opens a local HTML file in Debian's Chromium, headless and offline (every host name resolves to nothing), and
 * records what a person would notice: the rendered DOM, a screenshot, every console message (Chromium logs them to
 * stderr as {@code INFO:CONSOLE}) and every network request the page itself made (from Chromium's NetLog: requests
 * whose network isolation key is the file's, not Chromium's own background requests).
 *
 * <p>{@code -Dstreamguard.it.browser=require} (what CI passes) fails when no Chromium is installed; {@code auto} (the
 * default) lets the caller skip with the reason.
 */
final class HeadlessChromium {

    static final String MODE_PROPERTY = "streamguard.it.browser";
    private static final List<String> NAMES = List.of("chromium", "chromium-browser", "google-chrome");
    private static final long TIMEOUT_SECONDS = 120;

    /** What the browser showed and said. */
    record Page(String dom, Path screenshot, List<String> consoleMessages, List<String> requests, String log) {
    }

    private final Path executable;

    private HeadlessChromium(Path executable) {
        this.executable = executable;
    }

    /**
     * The installed Chromium; empty (with the reason in the message of the caller's skip) under {@code auto}.
     *
     * @throws IllegalStateException under {@code require} when none is installed
     */
    static Optional<HeadlessChromium> find() {
        String mode = System.getProperty(MODE_PROPERTY, "auto");
        if (!mode.equals("auto") && !mode.equals("require")) {
            throw new IllegalArgumentException(MODE_PROPERTY + " must be auto or require; was " + mode);
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            for (String name : NAMES) {
                Path candidate = Path.of(dir, name);
                if (Files.isExecutable(candidate)) {
                    return Optional.of(new HeadlessChromium(candidate));
                }
            }
        }
        if (mode.equals("require")) {
            throw new IllegalStateException(MODE_PROPERTY + "=require but none of " + NAMES + " is on the PATH. "
                    + "Install Debian's Chromium (apt-get install chromium; .ci/run does), or run with -D"
                    + MODE_PROPERTY + "=auto to skip the browser tests.");
        }
        return Optional.empty();
    }

    static String missingReason() {
        return "no Chromium on the PATH (" + NAMES + ") and " + MODE_PROPERTY + "=auto: the page is not opened in a "
                + "browser. Install chromium, or pass -D" + MODE_PROPERTY + "=require to make this a failure.";
    }

    /** Opens {@code html}; the screenshot goes to {@code screenshot}, the browser's files beside it. */
    Page open(Path html, Path screenshot) throws IOException, InterruptedException {
        Path work = screenshot.resolveSibling(screenshot.getFileName() + ".chromium");
        Files.createDirectories(work);
        Path netLog = work.resolve("netlog.json");
        Path stderr = work.resolve("stderr.log");
        Path stdout = work.resolve("dom.html");
        Files.deleteIfExists(screenshot);
        List<String> command = List.of(executable.toString(), "--headless", "--disable-gpu", "--no-sandbox",
                "--enable-logging=stderr", "--v=0", "--host-resolver-rules=MAP * ~NOTFOUND",
                "--user-data-dir=" + work.resolve("profile"), "--no-first-run", "--disable-extensions",
                "--log-net-log=" + netLog, "--window-size=1280,2400", "--screenshot=" + screenshot, "--dump-dom",
                html.toUri().toString());
        Process process = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile())
                .start();
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new IllegalStateException("Chromium did not finish within " + TIMEOUT_SECONDS + " s: " + command);
        }
        String log = Files.readString(stderr, StandardCharsets.UTF_8);
        if (process.exitValue() != 0) {
            throw new IllegalStateException("Chromium exited with " + process.exitValue() + ": " + log);
        }
        List<String> console = log.lines().filter(l -> l.contains(":CONSOLE")).toList();
        return new Page(Files.readString(stdout, StandardCharsets.UTF_8), screenshot, console,
                pageRequests(netLog, html), log);
    }

    /** URLs the page asked the network for: Chromium's own requests (updates, accounts) are keyed otherwise. */
    private static List<String> pageRequests(Path netLog, Path html) throws IOException {
        JsonNode log = new ObjectMapper().readTree(netLog.toFile());
        int startJob = log.path("constants").path("logEventTypes").path("URL_REQUEST_START_JOB").asInt(-1);
        if (startJob < 0) {
            throw new IllegalStateException("no URL_REQUEST_START_JOB in the NetLog's constants: " + netLog);
        }
        List<String> urls = new ArrayList<>();
        for (JsonNode event : log.path("events")) {
            JsonNode params = event.path("params");
            if (event.path("type").asInt() == startJob
                    && params.path("network_isolation_key").asText().startsWith("file://")) {
                urls.add(params.path("url").asText());
            }
        }
        return urls;
    }
}
