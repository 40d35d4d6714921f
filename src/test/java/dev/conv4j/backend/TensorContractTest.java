package dev.conv4j.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

import dev.conv4j.DType;
import dev.conv4j.Tensor;

class TensorContractTest {
    /** A passing check makes no message; a refusal makes it once and says what was expected and what came. */
    @Test
    void theExpectationIsMadeOnlyForARefusal() {
        AtomicInteger made = new AtomicInteger();
        Supplier<String> what = () -> "call " + made.incrementAndGet();
        try (Tensor t = Tensor.zeros(2, 3)) {
            TensorContract.require("input", t, DType.FLOAT32, 6, what);
            TensorContract.require("input", t, DType.FLOAT32, new long[] {3, 2});
            assertEquals(0, made.get());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> TensorContract.require("output", t, DType.FLOAT32, 5, what));
            assertEquals("output should be a FLOAT32 tensor of 5 elements (call 1), but got FLOAT32 [2, 3]",
                    e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> TensorContract.require("input", t, DType.FLOAT32, new long[] {4, 2}));
            assertEquals("input should be a FLOAT32 tensor of 8 elements (shape [4, 2]), but got FLOAT32 [2, 3]",
                    e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> TensorContract.require("input", null, DType.FLOAT32, 6,
                    what));
            assertEquals(1, made.get());
        }
        Tensor closed = Tensor.zeros(1);
        closed.close();
        assertEquals("input tensor is closed", assertThrows(IllegalStateException.class,
                () -> TensorContract.require("input", closed, DType.FLOAT32, 1, what)).getMessage());
    }
}
