package dev.conv4j.onednn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

class PlanKeyAndFreeListTest {
    /** Keys of equal values find each other's entries; any differing value, or length, makes another key. */
    @Test
    void keysCompareByValue() {
        Map<PlanKey, String> map = new HashMap<>();
        map.put(new PlanKey(new long[] {1, 2, 56, 56}), "a");
        assertEquals("a", map.get(new PlanKey(new long[] {1, 2, 56, 56})));
        assertNull(map.get(new PlanKey(new long[] {1, 1, 56, 56})));
        assertNull(map.get(new PlanKey(new long[] {1, 2, 56})));
        assertEquals(new PlanKey(new long[] {3, -4}), new PlanKey(new long[] {3, -4}));
        assertEquals(new PlanKey(new long[] {3, -4}).hashCode(), new PlanKey(new long[] {3, -4}).hashCode());
        assertNotEquals(new PlanKey(new long[] {3, -4}), new PlanKey(new long[] {-4, 3}));
        assertNotEquals(new PlanKey(new long[] {0}), "[0]");
    }

    /** Last in, first out; empty gives null. */
    @Test
    void freeListIsAStack() {
        FreeList<String> free = new FreeList<>();
        assertNull(free.poll());
        free.push("a");
        free.push("b");
        assertEquals(2, free.size());
        assertSame("b", free.poll());
        assertSame("a", free.poll());
        assertNull(free.poll());
        assertEquals(0, free.size());
    }
}
