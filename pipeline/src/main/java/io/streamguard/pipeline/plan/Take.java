package io.streamguard.pipeline.plan;

/** Which end of each partition's window a bounded read takes its events from. */
public enum Take {
    /** The first offsets of each window: the oldest events. */
    OLDEST,
    /** The last offsets of each window: the newest events. */
    NEWEST
}
