package dev.conv4j.onednn;

import java.util.Arrays;

/**
 * A cache key made of the numbers a plan depends on, its hash computed once: a key kept from
 * call to call is looked up without walking its values again.
 */
final class PlanKey {
    private final long[] values;
    private final int hash;

    /** {@code values} is owned by the key from now on. */
    PlanKey(long[] values) {
        this.values = values;
        this.hash = Arrays.hashCode(values);
    }

    @Override
    public boolean equals(Object o) {
        return o == this || o instanceof PlanKey k && hash == k.hash && Arrays.equals(values, k.values);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return Arrays.toString(values);
    }
}
