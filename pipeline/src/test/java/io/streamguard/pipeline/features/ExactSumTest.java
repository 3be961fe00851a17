package io.streamguard.pipeline.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ExactSumTest {

    @Test
    void fractionsSumToTheExactSumRoundedOnceWhateverTheOrderAndSplit() {
        Random random = new Random(7);
        List<Double> values = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            values.add(random.nextDouble());
        }
        // The edges: the whole-unit range's ends, fractions below it, a subnormal, and the extremes.
        values.addAll(List.of(1.0, 0.0, Math.scalb(1.0, -10), Math.nextDown(Math.scalb(1.0, -10)), 1e-300,
                Double.MIN_VALUE, 0.1, 0.3, Math.nextDown(1.0)));
        BigDecimal exact = BigDecimal.ZERO;
        for (double v : values) {
            exact = exact.add(new BigDecimal(v));
        }
        double expected = exact.doubleValue();

        for (long seed = 0; seed < 3; seed++) {
            Collections.shuffle(values, new Random(seed));
            ExactSum left = ExactSum.ofFractions();
            ExactSum right = ExactSum.ofFractions();
            int split = values.size() / (int) (seed + 2);
            values.subList(0, split).forEach(left::add);
            values.subList(split, values.size()).forEach(right::add);
            left.add(right);
            assertThat(left.doubleValue()).isEqualTo(expected);
        }
        double naive = 0;
        for (double v : values) {
            naive += v;
        }
        assertThat(naive).as("a plain double sum would not do: this data must tell them apart")
                .isNotEqualTo(expected);
    }

    @Test
    void aSingleFractionIsItselfAndAnEmptySumIsZero() {
        for (double v : new double[] {0.0, 1.0, 0.1, 0.64436428571, 1e-5, Double.MIN_VALUE}) {
            ExactSum sum = ExactSum.ofFractions();
            sum.add(v);
            assertThat(sum.doubleValue()).isEqualTo(v);
        }
        assertThat(ExactSum.ofFractions().doubleValue()).isZero();
        assertThat(ExactSum.ofLongs().doubleValue()).isZero();
    }

    @Test
    void longsSumBeyondSixtyFourBitsWithoutWrapping() {
        ExactSum sum = ExactSum.ofLongs();
        ExactSum other = ExactSum.ofLongs();
        for (int i = 0; i < 5; i++) {
            sum.add(Long.MAX_VALUE);
            other.add(Long.MAX_VALUE - i);
        }
        sum.add(other);
        BigInteger exact = BigInteger.valueOf(Long.MAX_VALUE).multiply(BigInteger.TEN)
                .subtract(BigInteger.valueOf(10));
        assertThat(sum.doubleValue()).isEqualTo(exact.doubleValue()).isPositive();

        ExactSum small = ExactSum.ofLongs();
        small.add(3);
        small.add(4);
        assertThat(small.doubleValue()).isEqualTo(7.0);
    }

    @Test
    void refusesWhatItCannotSumExactly() {
        assertThatThrownBy(() -> ExactSum.ofFractions().add(1.5)).hasMessageContaining("1.5");
        assertThatThrownBy(() -> ExactSum.ofFractions().add(-0.1)).hasMessageContaining("-0.1");
        assertThatThrownBy(() -> ExactSum.ofFractions().add(Double.NaN)).hasMessageContaining("NaN");
        assertThatThrownBy(() -> ExactSum.ofFractions().add(1L)).hasMessageContaining("sum of longs");
        assertThatThrownBy(() -> ExactSum.ofLongs().add(-1L)).hasMessageContaining("-1");
        assertThatThrownBy(() -> ExactSum.ofLongs().add(ExactSum.ofFractions()))
                .hasMessageContaining("cannot be added");
    }
}
