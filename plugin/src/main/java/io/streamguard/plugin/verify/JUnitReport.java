package io.streamguard.plugin.verify;

import io.streamguard.report.Violation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/**
 * The result of {@code verify-report} as JUnit XML, in the shape Maven Surefire writes and CI systems read
 * ({@code <testsuite name tests failures errors skipped time timestamp>}, a {@code <testcase classname name time>} per
 * check, a {@code <failure message type>} per violation, {@code <skipped message>} for a check that did not run). So
 * CI lists each violation as a failed test. Every value is escaped, and characters XML 1.0 cannot hold are replaced:
 * a report's hostile content cannot break the file.
 */
public final class JUnitReport {

    /** The suite's name, and the class name of its test cases. */
    public static final String SUITE = "streamguard.verify-report";

    private JUnitReport() {
    }

    /**
     * Writes the verification to {@code file} atomically (a temporary file beside it, then a move): a reader sees the
     * previous result or this one, never half of one.
     */
    public static void write(Path file, ReportVerifier.Verification verification, Instant timestamp)
            throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path temp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
        try {
            Files.writeString(temp, xml(verification, timestamp), StandardCharsets.UTF_8);
            readableByAll(temp); // createTempFile makes it 0600; a CI agent reading test reports may be another user
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static void readableByAll(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        } catch (UnsupportedOperationException e) {
            // Not a POSIX file system: its default permissions stand.
        }
    }

    static String xml(ReportVerifier.Verification verification, Instant timestamp) {
        int failures = 0;
        int skipped = 0;
        long nanos = 0;
        for (ReportVerifier.Check c : verification.checks()) {
            failures += c.violations().isEmpty() ? 0 : 1;
            skipped += c.skipped() == null ? 0 : 1;
            nanos += c.nanos();
        }
        StringBuilder x = new StringBuilder(4096);
        x.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        x.append("<testsuite name=\"").append(SUITE).append("\" tests=\"").append(verification.checks().size())
                .append("\" failures=\"").append(failures).append("\" errors=\"0\" skipped=\"").append(skipped)
                .append("\" time=\"").append(seconds(nanos)).append("\" timestamp=\"")
                .append(DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(
                        timestamp.truncatedTo(ChronoUnit.SECONDS).atOffset(ZoneOffset.UTC)))
                .append("\">\n");
        x.append("  <properties>\n    <property name=\"report\" value=\"")
                .append(escape(verification.report().toString())).append("\"/>\n  </properties>\n");
        for (ReportVerifier.Check c : verification.checks()) {
            x.append("  <testcase classname=\"").append(SUITE).append("\" name=\"").append(escape(c.name()))
                    .append("\" time=\"").append(seconds(c.nanos())).append('"');
            if (c.passed()) {
                x.append("/>\n");
                continue;
            }
            x.append(">\n");
            if (c.skipped() != null) {
                x.append("    <skipped message=\"").append(escape(c.skipped())).append("\"/>\n");
            }
            for (Violation v : c.violations()) {
                x.append("    <failure message=\"").append(escape(v.toString())).append("\" type=\"")
                        .append(escape(v.field())).append("\">").append(escape(v.toString()))
                        .append("</failure>\n");
            }
            x.append("  </testcase>\n");
        }
        x.append("</testsuite>\n");
        return x.toString();
    }

    private static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.3f", nanos / 1e9);
    }

    /**
     * Text and attribute values: markup characters as entities, line breaks and tabs as character references (so
     * attributes keep them), and what XML 1.0 cannot hold at all (other control characters, lone surrogates,
     * U+FFFE/U+FFFF) as U+FFFD.
     */
    static String escape(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                out.append(c).append(s.charAt(++i));
                continue;
            }
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&apos;");
                case '\n' -> out.append("&#10;");
                case '\r' -> out.append("&#13;");
                case '\t' -> out.append("&#9;");
                default -> out.append(c < 0x20 || Character.isSurrogate(c) || c == 0xFFFE || c == 0xFFFF
                        ? '\uFFFD' : c);
            }
        }
        return out.toString();
    }
}
