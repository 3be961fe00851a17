package io.streamguard.pipeline.features;

import java.io.Serializable;
import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * The exact sum of non-negative numbers, whatever the order they are added in: either of {@code long}s (byte counts)
 * or of {@code double}s in [0, 1] (threat scores), never both in one sum. It is read once, rounded to the nearest
 * double.
 *
 * <p>The sum is a 128-bit unsigned integer of units: 1 for longs; 2<sup>-62</sup> for doubles, of which every double
 * from 2<sup>-10</sup> to 1 is a whole number. The rare smaller fraction is kept aside as a {@link BigDecimal}. So
 * adding an event costs two {@code long} additions, where a {@code BigDecimal} per event was a quarter of the
 * users' fold (JFR, 1M events).
 */
final class ExactSum implements Serializable {

    private static final long serialVersionUID = 1L;

    private static final int FRACTION_UNIT_BITS = 62;
    /**
     * The smallest exponent of a double that is a whole number of 2^-62 units: a normal double's last bit is worth
     * 2^(exponent - 52). Subnormals report an exponent below this.
     */
    private static final int MIN_WHOLE_EXPONENT = 52 - FRACTION_UNIT_BITS;

    /** 0 for a sum of longs, {@link #FRACTION_UNIT_BITS} for a sum of fractions. */
    private final int unitBits;
    /** The sum of the whole units is {@code high * 2^64 + low}, {@code low} unsigned. */
    private long low;
    private long high;
    /** Fractions below 2^-10, exactly; null while there is none. */
    private BigDecimal smallFractions;

    private ExactSum(int unitBits) {
        this.unitBits = unitBits;
    }

    static ExactSum ofLongs() {
        return new ExactSum(0);
    }

    static ExactSum ofFractions() {
        return new ExactSum(FRACTION_UNIT_BITS);
    }

    /** Adds a non-negative long to a sum of longs. */
    void add(long value) {
        if (unitBits != 0 || value < 0) {
            throw new IllegalArgumentException("not a non-negative long in a sum of longs: " + value);
        }
        addUnits(value);
    }

    /** Adds a double in [0, 1] to a sum of fractions. */
    void add(double value) {
        if (unitBits == 0 || !(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException("not a double in [0, 1] in a sum of fractions: " + value);
        }
        if (value == 0) {
            return;
        }
        if (Math.getExponent(value) >= MIN_WHOLE_EXPONENT) {
            addUnits((long) Math.scalb(value, FRACTION_UNIT_BITS)); // exact: a power-of-two scaling to an integer
        } else {
            BigDecimal exact = new BigDecimal(value);
            smallFractions = smallFractions == null ? exact : smallFractions.add(exact);
        }
    }

    /** Adds another sum of the same kind. */
    void add(ExactSum other) {
        if (other.unitBits != unitBits) {
            throw new IllegalArgumentException("a sum of longs and a sum of fractions cannot be added");
        }
        addUnits(other.low);
        high += other.high;
        if (other.smallFractions != null) {
            smallFractions = smallFractions == null ? other.smallFractions : smallFractions.add(other.smallFractions);
        }
    }

    /** The sum, rounded to the nearest double (ties to even). */
    double doubleValue() {
        if (high == 0 && low >= 0 && smallFractions == null) {
            return Math.scalb((double) low, -unitBits); // long to double rounds to nearest; the scaling is exact
        }
        BigInteger units = BigInteger.valueOf(high).shiftLeft(64).add(new BigInteger(Long.toUnsignedString(low)));
        BigDecimal sum = new BigDecimal(units).multiply(new BigDecimal(Math.scalb(1.0, -unitBits)));
        return (smallFractions == null ? sum : sum.add(smallFractions)).doubleValue();
    }

    private void addUnits(long unsigned) {
        long sum = low + unsigned;
        if (Long.compareUnsigned(sum, low) < 0) {
            high++;
        }
        low = sum;
    }
}
