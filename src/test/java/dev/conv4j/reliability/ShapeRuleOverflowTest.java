package dev.conv4j.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import dev.conv4j.Tensor;
import dev.conv4j.nn.Conv1d;
import dev.conv4j.nn.Convolution;

/**
 * Huge argument values must not overflow the shape rules' integer arithmetic. PyTorch accepts
 * {@code Conv1d(1, 1, 3, padding='same', dilation=2**30)} on a length-5 input: 'same' pads
 * {@code dilation * (kernel - 1) = 2**31} in all, every tap but the middle one falls into the
 * padding, and the output is {@code weight[1] * x + bias}. (Checked with PyTorch 1.13 up to
 * {@code dilation=2**31 - 1}.)
 */
class ShapeRuleOverflowTest {
    @TestFactory
    Stream<DynamicTest> samePaddingWithAHugeDilation() {
        return Backs.NAMES.stream().flatMap(name -> Stream.of(1 << 30, Integer.MAX_VALUE).map(dilation ->
                DynamicTest.dynamicTest(name + " Conv1d(1, 1, 3, padding='same', dilation=" + dilation + ")", () -> {
                    try (Convolution m = Conv1d.builder(1, 1, 3).padding("same").dilation(dilation)
                            .backend(Backs.get(name)).build();
                            Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5}, 1, 1, 5)) {
                        float w = m.weight().toFloatArray()[1];
                        float b = m.bias().toFloatArray()[0];
                        Outcome o;
                        try {
                            o = Outcome.of(java.util.List.of(m.forward(x)));
                        } catch (RuntimeException e) {
                            o = Outcome.failure(e);
                        }
                        Outcome got = o;
                        if (name.equals("onednn") && dilation > (1 << 30)) {
                            // oneDNN's own 32-bit arithmetic crashes there: refused with a clear message
                            assertTrue(!got.ok() && String.valueOf(got).contains("supports dilation up to"),
                                    () -> "expected the oneDNN backend's dilation refusal, got " + got);
                            return;
                        }
                        assertTrue(got.ok(), () -> "PyTorch gives an output of shape [1, 1, 5]; conv4j on " + name
                                + " says " + got);
                        assertEquals("[1, 1, 5]", Arrays.toString(got.shapes.get(0)));
                        float[] expected = new float[5];
                        for (int i = 0; i < 5; i++) {
                            expected[i] = w * (i + 1) + b;
                        }
                        assertEquals(null, Outcome.floats("output", expected, got.floats.get(0), false));
                    }
                })));
    }
}
