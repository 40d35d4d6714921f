package dev.conv4j.spec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** PyTorch's shape rules, with expected values worked out by hand from the formulas. */
class GeometryTest {
    @Test
    void poolOutputSizeFloorAndCeil() {
        // (5 + 2*0 - 1*(2-1) - 1) / 2 + 1 = 3/2 + 1 = 2 (floor); ceil: (3 + 1)/2 + 1 = 3
        assertEquals(2, PoolGeometry.outputSize(5, 2, 0, 2, 1, false));
        assertEquals(3, PoolGeometry.outputSize(5, 2, 0, 2, 1, true));
        // L=5, k=2, s=2, p=1, ceil: (5+2-1-1+1)/2+1 = 4, but window 3 would start at 3*2=6 >= 5+1: dropped -> 3
        assertEquals(3, PoolGeometry.outputSize(5, 2, 1, 2, 1, true));
    }

    @Test
    void avgDivisorCountsPaddingButNotTheOverhang() {
        // in=5, k=3, s=2, pad=1, ceil: window 2 starts at 2*2-1=3, end=min(6, 5+1)=6 -> padded size 3,
        // clipped [3, 5) -> 2 elements
        assertArrayEquals(new long[] {3, 5, 3}, PoolGeometry.avgWindow(2, 5, 3, 2, 1, true));
        assertArrayEquals(new long[] {3, 5, 2}, PoolGeometry.avgWindow(2, 5, 3, 2, 1, false));
    }

    @Test
    void adaptiveWindowsOverlapWhenSizesDoNotDivide() {
        // in=5, out=3: [0, 2), [1, 4), [3, 5)
        long[][] expected = {{0, 2}, {1, 4}, {3, 5}};
        for (int i = 0; i < 3; i++) {
            assertEquals(expected[i][0], AdaptivePoolGeometry.start(i, 5, 3));
            assertEquals(expected[i][1], AdaptivePoolGeometry.end(i, 5, 3));
        }
    }

    @Test
    void samePaddingPutsTheOddElementOnTheRight() {
        ConvSpec s = ConvSpec.builder(2, false, 1, 1, 4, 3).padding("same").dilation(1, 2).build();
        ConvProblem p = ConvGeometry.forward(s, new long[] {1, 1, 7, 7}, null);
        // k=4, d=1: total 3 -> 1 left, 2 right; k=3, d=2: total 4 -> 2 and 2
        assertArrayEquals(new int[] {1, 2}, p.padBefore());
        assertArrayEquals(new int[] {2, 2}, p.padAfter());
        assertArrayEquals(new long[] {1, 1, 7, 7}, p.outputShape());
    }

    @Test
    void transposedOutputSizeAndRange() {
        ConvSpec s = ConvSpec.builder(2, true, 2, 3, 3).stride(2).padding(1).build();
        // (4-1)*2 - 2*1 + 1*(3-1) + 1 = 7, valid up to 7 + 2 - 1 = 8
        ConvProblem p = ConvGeometry.forward(s, new long[] {1, 2, 4, 4}, new long[] {8, 7});
        assertArrayEquals(new long[] {1, 3, 8, 7}, p.outputShape());
        assertArrayEquals(new int[] {0, 1}, p.padAfter()); // padding - output_padding
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ConvGeometry.forward(s, new long[] {1, 2, 4, 4}, new long[] {9, 7}));
        assertEquals("requested an output size of [9, 7], but valid sizes range from [7, 7] to [8, 8] "
                + "(for an input of torch.Size([4, 4]))", e.getMessage());
    }

    @Test
    void channelMismatchUsesPyTorchsMessage() {
        ConvSpec s = ConvSpec.builder(2, false, 2, 8, 2).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ConvGeometry.forward(s, new long[] {5, 3, 10, 10}, null));
        assertEquals("Given groups=1, weight of size [8, 2, 2, 2], expected input[5, 3, 10, 10] to have 2 channels, "
                + "but got 3 channels instead", e.getMessage());
    }

    @Test
    void constructorChecks() {
        assertEquals("in_channels must be divisible by groups", assertThrows(IllegalArgumentException.class,
                () -> ConvSpec.builder(2, false, 3, 4, 3).groups(2).build()).getMessage());
        assertEquals("pad should be at most half of kernel size, but got pad=2 and kernel_size=3",
                assertThrows(IllegalArgumentException.class,
                        () -> PoolSpec.max(2, 3).padding(2).build()).getMessage());
    }

    @Test
    void elementCountOverflowIsRefused() {
        ConvSpec s = ConvSpec.builder(2, true, 1, 1 << 30, 1).stride(1 << 30).build();
        assertThrows(IllegalArgumentException.class,
                () -> ConvGeometry.forward(s, new long[] {1 << 30, 1, 1 << 20, 1 << 20}, null));
    }

    @Test
    void flopsSkipTapsOutsideTheInputOrOutput() {
        // ConvTranspose1d(1, 1, 3, stride=2, padding=1) on 4 inputs: output 7; output index
        // 2i - 1 + j lies in [0, 7) for 3 + 4 + 3 of the 12 (input, tap) pairs
        ConvSpec t = ConvSpec.builder(1, true, 1, 1, 3).stride(2).padding(1).build();
        assertEquals(2.0 * 10, ConvGeometry.flops(ConvGeometry.forward(t, new long[] {1, 1, 4}, null)));
        // Conv1d(2, 4, 3, padding=2, dilation=2) on 5 inputs: output 5; input index o - 2 + 2j
        // is inside for 3 + 5 + 3 pairs
        ConvSpec c = ConvSpec.builder(1, false, 2, 4, 3).padding(2).dilation(2).build();
        assertEquals(2.0 * 4 * 2 * 11, ConvGeometry.flops(ConvGeometry.forward(c, new long[] {1, 2, 5}, null)));
    }
}
