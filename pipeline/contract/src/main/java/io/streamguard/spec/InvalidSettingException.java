package io.streamguard.spec;

/**
 * A setting's value that cannot be used. The message names the setting as its reader knows it (a job option such
 * as {@code --max-events} or a Maven property such as {@code streamguard.maxEvents}) and what it accepts.
 */
public final class InvalidSettingException extends IllegalArgumentException {

    public InvalidSettingException(String message) {
        super(message);
    }
}
