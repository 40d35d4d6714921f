package dev.conv4j.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.conv4j.backend.Backends;
import dev.conv4j.nn.AdaptiveAvgPool2d;
import dev.conv4j.nn.AvgPool2d;
import dev.conv4j.nn.ConvTranspose2d;
import dev.conv4j.nn.Convolution;
import dev.conv4j.nn.MaxPool2d;
import dev.conv4j.nn.Module;
import dev.conv4j.spec.ConvGeometry;

/** The layer table: names as in docs/bench-layers.md and FLOPs worked out by hand from its formulas. */
class BenchLayersTest {

    private static BenchLayer layer(String name) {
        return BenchLayers.ALL.stream().filter(l -> l.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void namesAreExactlyThoseOfTheTable() {
        assertEquals(List.of("conv1 7x7/2 3-64 224", "res2 3x3 64-64 56", "res3 3x3 128-128 28", "res4 3x3 256-256 14",
                "res5 3x3 512-512 7", "1x1 256-64 56", "1x1 1024-256 14", "dw 3x3 144 56", "deconv 2x2/2 256-128 28",
                "conv3d 3x3x3 32-32 16", "maxpool 3x3/2 64 112", "avgpool 3x3/1 256 28", "gap 2048 7"),
                BenchLayers.names());
    }

    @Test
    void inputShapesPrependTheBatch() {
        assertArrayEquals(new long[] {16, 3, 224, 224}, layer("conv1 7x7/2 3-64 224").inputShape(16));
        assertArrayEquals(new long[] {1, 32, 16, 28, 28}, layer("conv3d 3x3x3 32-32 16").inputShape(1));
    }

    @Test
    void convolutionFlopsCountOnlyMultiplyAddsWhoseInputIsInside() {
        // 2 * outC * inC/groups * (valid (output, tap) pairs per dim, multiplied). 3x3 with
        // padding 1 over n positions: 3n pairs less the two taps in the padding.
        // res2: 166 = 56*3 - 2 per dim
        assertEquals(2.0 * 64 * 64 * 166 * 166, layer("res2 3x3 64-64 56").flops(1));
        assertEquals(16 * 2.0 * 64 * 64 * 166 * 166, layer("res2 3x3 64-64 56").flops(16));
        assertEquals(2.0 * 128 * 128 * 82 * 82, layer("res3 3x3 128-128 28").flops(1));
        assertEquals(2.0 * 256 * 256 * 40 * 40, layer("res4 3x3 256-256 14").flops(1));
        // res5: 19 * 19 of 21 * 21 pairs, 82% of the nominal 231 MFLOP
        assertEquals(189_267_968.0, layer("res5 3x3 512-512 7").flops(1));
        // conv1: 112 outputs x 7 taps per dim, less 3 + 1 taps left (o = 0, 1) and 2 right (o = 111): 778
        assertEquals(2.0 * 64 * 3 * 778 * 778, layer("conv1 7x7/2 3-64 224").flops(1));
        // no padding: the nominal count, 2 * (64*56*56) * 256 and 2 * (256*14*14) * 1024
        assertEquals(102_760_448.0, layer("1x1 256-64 56").flops(1));
        assertEquals(102_760_448.0, layer("1x1 1024-256 14").flops(1));
        // depthwise: one input channel per output channel
        assertEquals(2.0 * 144 * 166 * 166, layer("dw 3x3 144 56").flops(1));
        // transposed, no padding: 2 * inputElements (256*28*28) * (128/1) * 4
        assertEquals(205_520_896.0, layer("deconv 2x2/2 256-128 28").flops(1));
        // 3d: 46 = 16*3 - 2 pairs in depth, 82 in height and width
        assertEquals(2.0 * 32 * 32 * 46 * 82 * 82, layer("conv3d 3x3x3 32-32 16").flops(1));
    }

    @Test
    void poolingHasNoFlops() {
        for (String name : List.of("maxpool 3x3/2 64 112", "avgpool 3x3/1 256 28", "gap 2048 7")) {
            assertFalse(layer(name).isConv());
            assertTrue(Double.isNaN(layer(name).flops(1)));
        }
    }

    @Test
    void builtModulesMatchTheTable() {
        for (BenchLayer l : BenchLayers.ALL) {
            try (Module m = l.build(Backends.reference(), 1)) {
                if (l.isConv()) {
                    Convolution c = assertInstanceOf(Convolution.class, m);
                    assertEquals(l.convSpec(), c.spec(), l.name());
                    // The FLOPs the way a caller gets them from the module.
                    assertEquals(l.flops(1), ConvGeometry.flops(ConvGeometry.forward(c.spec(), l.inputShape(1), null)));
                }
            }
        }
        try (Module m = layer("deconv 2x2/2 256-128 28").build(Backends.reference(), 1)) {
            assertInstanceOf(ConvTranspose2d.class, m);
        }
        try (MaxPool2d m = assertInstanceOf(MaxPool2d.class, layer("maxpool 3x3/2 64 112").build(Backends.reference(), 1))) {
            assertArrayEquals(new int[] {2, 2}, m.spec().stride());
            assertArrayEquals(new int[] {1, 1}, m.spec().padding());
        }
        try (AvgPool2d m = assertInstanceOf(AvgPool2d.class, layer("avgpool 3x3/1 256 28").build(Backends.reference(), 1))) {
            assertArrayEquals(new int[] {1, 1}, m.spec().stride());
        }
        try (Module m = layer("gap 2048 7").build(Backends.reference(), 1)) {
            assertInstanceOf(AdaptiveAvgPool2d.class, m);
        }
        assertEquals(144, layer("dw 3x3 144 56").convSpec().groups());
    }

    @Test
    void selectByExactNameOrSubstringInTableOrder() {
        assertEquals(List.of("res2 3x3 64-64 56", "res3 3x3 128-128 28", "res4 3x3 256-256 14", "res5 3x3 512-512 7"),
                names(BenchLayers.select("res")));
        assertEquals(List.of("res5 3x3 512-512 7", "gap 2048 7"), names(BenchLayers.select("gap, res5")));
        assertEquals(List.of("1x1 256-64 56"), names(BenchLayers.select("1x1 256-64 56")));
        assertEquals(List.of("1x1 256-64 56", "1x1 1024-256 14"), names(BenchLayers.select("1x1")));
        assertEquals(List.of("res2 3x3 64-64 56"), names(BenchLayers.select("RES2")));
        assertEquals(BenchLayers.ALL, BenchLayers.select(null));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BenchLayers.select("vgg"));
        assertTrue(e.getMessage().contains("'vgg'") && e.getMessage().contains("gap 2048 7"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> BenchLayers.select(" , "));
    }

    @Test
    void rowsAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> BenchLayer.of("x", "Conv2d", "3, 8, 8", "Conv3d(3, 3, 1)"));
        assertThrows(IllegalArgumentException.class, () -> BenchLayer.of("x", "Conv3d", "3, 8, 8", "Conv3d(3, 3, 1)"));
        assertThrows(IllegalArgumentException.class, () -> BenchLayer.of("x", "Conv2d", "3, 8, 8", "Conv2d(3, 3)"));
        assertThrows(IllegalArgumentException.class,
                () -> BenchLayer.of("x", "MaxPool2d", "3, 8, 8", "MaxPool2d(2, groups=2)"));
        assertThrows(IllegalArgumentException.class, () -> BenchLayer.of("x", "Linear", "3", "Linear(3)"));
    }

    private static List<String> names(List<BenchLayer> layers) {
        return layers.stream().map(BenchLayer::name).toList();
    }
}
