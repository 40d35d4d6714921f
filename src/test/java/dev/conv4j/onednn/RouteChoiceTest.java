package dev.conv4j.onednn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import dev.conv4j.Tensor;
import dev.conv4j.backend.Backends;
import dev.conv4j.backend.ConvKernel;
import dev.conv4j.spec.ConvGeometry;
import dev.conv4j.spec.ConvProblem;
import dev.conv4j.spec.ConvSpec;

/**
 * Every way a contiguous (NCHW) convolution can run, forced one by one (the oneDNN primitive on
 * NCHW, on channels-last copies, or writing 16-channel blocks that a reorder makes NCHW; one
 * thread or two), against the reference backend: whatever the autotuner chooses at run time
 * computes PyTorch's numbers.
 */
class RouteChoiceTest {
    private static final OneDnnBackend ONEDNN = OneDnnBackend.instance();

    private static List<Object[]> cases() {
        return List.of(
                new Object[] {ConvSpec.builder(2, false, 6, 8, 3).padding(1).build(), new long[] {2, 6, 11, 9}},
                new Object[] {ConvSpec.builder(2, false, 8, 8, 3).padding(1).groups(8).build(), new long[] {3, 8, 10, 10}},
                new Object[] {ConvSpec.builder(2, false, 4, 12, 3).stride(2).groups(4).bias(false).build(),
                    new long[] {1, 4, 13, 9}},
                new Object[] {ConvSpec.builder(2, false, 6, 4, 3).dilation(2).padding(2).groups(2).build(),
                    new long[] {2, 6, 12, 12}},
                new Object[] {ConvSpec.builder(2, false, 4, 6, 3).padding("same").dilation(2).build(),
                    new long[] {1, 4, 8, 7}},
                new Object[] {ConvSpec.builder(2, true, 6, 4, 3).stride(2).padding(1).outputPadding(1).build(),
                    new long[] {2, 6, 7, 5}},
                new Object[] {ConvSpec.builder(2, true, 8, 8, 2).stride(2).groups(4).build(), new long[] {1, 8, 6, 6}},
                new Object[] {ConvSpec.builder(3, false, 4, 4, 3).padding(1).groups(2).build(), new long[] {2, 4, 5, 6, 7}},
                new Object[] {ConvSpec.builder(3, true, 4, 2, 2).stride(2).build(), new long[] {1, 4, 3, 4, 5}});
    }

    @Test
    void everyRouteAndThreadCountGivesTheReferenceNumbers() {
        int checked = 0;
        int blocked = 0;
        for (Object[] c : cases()) {
            ConvSpec spec = (ConvSpec) c[0];
            long[] shape = (long[]) c[1];
            ConvProblem p = ConvGeometry.forward(spec, shape, null);
            Random r = new Random(shape.length * 31L + spec.outChannels());
            for (boolean relu : new boolean[] {false, true}) {
                try (Tensor w = OneDnnEquivalenceTest.random(r, spec.weightShape(), false);
                        Tensor b = spec.bias() ? OneDnnEquivalenceTest.random(r, new long[] {spec.outChannels()}, false)
                                : null;
                        Tensor x = OneDnnEquivalenceTest.random(r, shape, false);
                        Tensor expected = Tensor.zeros(p.outputShape());
                        ConvKernel ref = Backends.reference().prepareConv(spec, w, b, relu);
                        OneDnnConvKernel mine = (OneDnnConvKernel) ONEDNN.prepareConv(spec, w, b, relu)) {
                    ref.forward(p, x, expected);
                    for (OneDnnConvKernel.Route route : OneDnnConvKernel.Route.values()) {
                        boolean depthwise = spec.groups() == spec.inChannels() && !spec.transposed();
                        if (route == OneDnnConvKernel.Route.OWN_DEPTHWISE && !depthwise) {
                            continue;
                        }
                        // blocked output: plain convolutions of few input channels with a JIT kernel for it
                        boolean mayBlock = spec.groups() == 1 && !spec.transposed() && spec.inChannels() < 16;
                        for (int threads : new int[] {1, 2}) {
                            try (Tensor got = Tensor.zeros(p.outputShape())) {
                                String name = spec + " on " + java.util.Arrays.toString(shape) + (relu ? " +relu" : "")
                                        + " " + route + ", " + threads + " threads";
                                boolean ran = mine.forwardOn(route, threads, p, x, got);
                                if (route == OneDnnConvKernel.Route.BLOCKED_OUTPUT) {
                                    assertTrue(mayBlock || !ran, name + " should not be possible");
                                    if (!ran) {
                                        continue;
                                    }
                                    blocked++;
                                } else {
                                    assertTrue(ran, name + " should be possible");
                                }
                                String problems = Compare.floats("output", got, expected, Compare.Tolerance.ROUNDING);
                                assertEquals(null, problems, name);
                                checked++;
                            }
                        }
                    }
                }
            }
        }
        // 7 cases on two routes and 2 depthwise ones on three, with and without ReLU, 1 and 2 threads;
        // the blocked output at least for the first case (Conv2d(6, 8, 3, padding=1) has a JIT kernel)
        assertTrue(blocked >= 4, blocked + " calls on the blocked output");
        assertEquals((7 * 2 + 2 * 3) * 2 * 2 + blocked, checked);
    }

    @Test
    void callsThatNeedOwnPaddingOrCopiesStayOnNchw() {
        ConvSpec reflect = ConvSpec.builder(2, false, 2, 2, 3).padding(1).paddingMode("reflect").build();
        ConvProblem p = ConvGeometry.forward(reflect, new long[] {1, 2, 6, 6}, null);
        Random r = new Random(5);
        try (Tensor w = OneDnnEquivalenceTest.random(r, reflect.weightShape(), false);
                Tensor b = OneDnnEquivalenceTest.random(r, new long[] {2}, false);
                Tensor x = OneDnnEquivalenceTest.random(r, new long[] {1, 2, 6, 6}, false);
                Tensor y = Tensor.zeros(p.outputShape());
                OneDnnConvKernel k = (OneDnnConvKernel) ONEDNN.prepareConv(reflect, w, b)) {
            assertEquals(false, k.forwardOn(OneDnnConvKernel.Route.VIA_CHANNELS_LAST, 1, p, x, y));
            assertEquals(false, k.forwardOn(OneDnnConvKernel.Route.OWN_DEPTHWISE, 1, p, x, y));
            assertEquals(false, k.forwardOn(OneDnnConvKernel.Route.BLOCKED_OUTPUT, 1, p, x, y));
            assertTrue(k.forwardOn(OneDnnConvKernel.Route.PRIMITIVE, 1, p, x, y));
        }
    }
}
