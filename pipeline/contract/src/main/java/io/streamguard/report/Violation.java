package io.streamguard.report;

/**
 * One way a report breaks its contract: the field (a JSON pointer-like path), what was expected and what was
 * found.
 */
public record Violation(String field, String expected, String actual) {

    @Override
    public String toString() {
        return field + ": expected " + expected + ", found " + actual;
    }
}
