package io.streamguard.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The parsed events are cached uncompressed (faster) only while that takes at most an eighth of the heap. */
class CacheCompressionTest {

    private static final long GIB = 1L << 30;

    @Test
    void smallSlicesStayUncompressedLargeOnesInSmallHeapsAreCompressed() {
        assertThat(StreamGuardPipeline.compressCache(1_000, GIB)).isFalse();
        assertThat(StreamGuardPipeline.compressCache(600_000, GIB)).as("120 MB of a 1 GiB heap").isFalse();
        assertThat(StreamGuardPipeline.compressCache(700_000, GIB)).as("140 MB of a 1 GiB heap").isTrue();
        assertThat(StreamGuardPipeline.compressCache(1_000_000, 6 * GIB)).isFalse();
        assertThat(StreamGuardPipeline.compressCache(10_000_000, 6 * GIB)).as("2 GB of a 6 GiB heap").isTrue();
        assertThat(StreamGuardPipeline.compressCache(Long.MAX_VALUE, Long.MAX_VALUE)).isTrue();
    }
}
