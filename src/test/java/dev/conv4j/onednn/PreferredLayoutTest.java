package dev.conv4j.onednn;

import static org.bytedeco.dnnl.global.dnnl.*;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bytedeco.dnnl.dnnl_engine;
import org.bytedeco.dnnl.dnnl_memory_desc;
import org.bytedeco.dnnl.dnnl_primitive_attr;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.PointerScope;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.conv4j.MemoryFormat;
import dev.conv4j.spec.ConvGeometry;
import dev.conv4j.spec.ConvProblem;
import dev.conv4j.spec.ConvSpec;

/**
 * Evidence for keeping activations channels-last: asked to choose the source and destination
 * layouts itself ({@code format_tag::any}), oneDNN picks NHWC / NDHWC for the convolutions of the
 * benchmark set on this machine, so channels-last tensors are the layout it prefers.
 */
class PreferredLayoutTest {
    private static dnnl_engine engine;

    @BeforeAll
    static void createEngine() {
        engine = Dnnl.createCpuEngine();
    }

    @AfterAll
    static void destroyEngine() {
        dnnl_engine_destroy(engine);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "res2 3x3 64-64 56, 64, 64, 3, 1, 1, 1, 56",
        "res3 3x3 128-128 28, 128, 128, 3, 1, 1, 1, 28",
        "res4 3x3 256-256 14, 256, 256, 3, 1, 1, 1, 14",
        "res5 3x3 512-512 7, 512, 512, 3, 1, 1, 1, 7",
        "1x1 256-64 56, 256, 64, 1, 1, 0, 1, 56",
        "dw 3x3 144 56, 144, 144, 3, 1, 1, 144, 56",
    })
    @SuppressWarnings("try")
    void onednnChoosesChannelsLastForTheBenchmarkConvolutions(String name, int in, int out, int k, int stride, int pad,
            int groups, int size) {
        ConvSpec spec = ConvSpec.builder(2, false, in, out, k).stride(stride).padding(pad).groups(groups).build();
        ConvProblem problem = ConvGeometry.forward(spec, new long[] {16, in, size, size}, null);
        OneDnnAdapter.ConvDesc d = OneDnnAdapter.conv(problem);
        dnnl_primitive_attr attr = Dnnl.createAttr();
        dnnl_memory_desc src = Dnnl.anyDesc(d.src);
        dnnl_memory_desc weights = Dnnl.anyDesc(d.weights);
        dnnl_memory_desc dst = Dnnl.anyDesc(d.dst);
        dnnl_memory_desc nhwcSrc = Dnnl.desc(d.src, MemoryFormat.CHANNELS_LAST);
        dnnl_memory_desc nhwcDst = Dnnl.desc(d.dst, MemoryFormat.CHANNELS_LAST);
        dnnl_primitive_desc pd = new dnnl_primitive_desc();
        try (PointerScope scope = new PointerScope()) {
            Dnnl.check(dnnl_convolution_forward_primitive_desc_create(pd, engine, dnnl_forward_inference,
                    dnnl_convolution_direct, src, weights, null, dst, new LongPointer(d.strides),
                    new LongPointer(d.dilates), new LongPointer(d.padLeft), new LongPointer(d.padRight), attr), name);
            boolean srcNhwc = Dnnl.equal(Dnnl.queryDesc(pd, dnnl_query_src_md), nhwcSrc);
            boolean dstNhwc = Dnnl.equal(Dnnl.queryDesc(pd, dnnl_query_dst_md), nhwcDst);
            System.out.println("[layout] " + name + ", batch 16, format any: " + Dnnl.implInfo(pd) + ", source NHWC "
                    + srcNhwc + ", destination NHWC " + dstNhwc);
            assertTrue(srcNhwc && dstNhwc, name + ": oneDNN chose another layout than NHWC");
        } finally {
            Dnnl.destroy(pd);
            Dnnl.destroy(attr);
            Dnnl.destroy(src);
            Dnnl.destroy(weights);
            Dnnl.destroy(dst);
            Dnnl.destroy(nhwcSrc);
            Dnnl.destroy(nhwcDst);
        }
    }
}
