package dev.conv4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.conv4j.Tensor;

class LastShapeTest {
    /** The rules run once per new shape; a repeated shape gets the same problem; a refused one is not kept. */
    @Test
    void rulesRunOncePerShapeAndRefusalsAreNotKept() {
        List<long[]> seen = new ArrayList<>();
        LastShape<String> last = new LastShape<>(shape -> {
            seen.add(shape.clone());
            if (shape[0] < 0) {
                throw new IllegalArgumentException("negative " + shape[0]);
            }
            return "problem " + shape[0] + "x" + shape[1];
        });
        long[] a = {2, 3};
        String first = last.problem(a);
        a[0] = 7; // the caller's array changes after the call: the kept shape must not
        assertEquals("problem 7x3", last.problem(a));
        assertEquals("problem 2x3", last.problem(new long[] {2, 3}));
        assertSame(last.problem(new long[] {2, 3}), last.problem(new long[] {2, 3}));
        assertEquals("problem 2x3", first);
        assertThrows(IllegalArgumentException.class, () -> last.problem(new long[] {-1, 3}));
        assertThrows(IllegalArgumentException.class, () -> last.problem(new long[] {-1, 3}));
        assertEquals("problem 2x3", last.problem(new long[] {2, 3}));
        // 2x3, 7x3, 2x3, then -1x3 twice; the last 2x3 is still the kept one
        assertEquals(5, seen.size());
    }

    /** A module called with alternating shapes gets each shape's output (the kept problem follows the input). */
    @Test
    void modulesFollowTheInputShape() {
        try (Conv2d conv = Conv2d.builder(2, 3, 3).padding(1).build();
                MaxPool2d pool = MaxPool2d.builder(2).build()) {
            for (int i = 0; i < 3; i++) {
                for (long[] shape : new long[][] {{1, 2, 8, 8}, {2, 2, 4, 6}, {2, 5, 5}}) {
                    try (Tensor x = Tensor.zeros(shape); Tensor y = conv.forward(x); Tensor z = pool.forward(x)) {
                        long[] convOut = shape.clone();
                        convOut[shape.length - 3] = 3;
                        assertArrayEquals(convOut, y.shape());
                        long[] poolOut = shape.clone();
                        poolOut[shape.length - 2] /= 2;
                        poolOut[shape.length - 1] /= 2;
                        assertArrayEquals(poolOut, z.shape());
                    }
                }
                try (Tensor bad = Tensor.zeros(1, 4, 8, 8)) {
                    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> conv.forward(bad));
                    assertEquals("Given groups=1, weight of size [3, 2, 3, 3], expected input[1, 4, 8, 8] to have 2 "
                            + "channels, but got 4 channels instead", e.getMessage());
                }
            }
        }
    }
}
