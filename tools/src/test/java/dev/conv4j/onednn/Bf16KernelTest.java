package dev.conv4j.onednn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.conv4j.DType;
import dev.conv4j.MemoryFormat;
import dev.conv4j.Precision;
import dev.conv4j.Tensor;
import dev.conv4j.backend.ConvKernel;
import dev.conv4j.reference.ReferenceBackend;
import dev.conv4j.spec.ConvGeometry;
import dev.conv4j.spec.ConvProblem;
import dev.conv4j.spec.ConvSpec;

/** How bf16 kernels run on oneDNN: the implementations chosen, the AMX route's plumbing, the f32 fallback. */
class Bf16KernelTest {
    private static final OneDnnBackend ONEDNN = OneDnnBackend.instance();
    private static final boolean BF16 = ONEDNN.effectivePrecision(Precision.BF16) == Precision.BF16;

    @Test
    void effectivePrecisionFollowsTheIsa() {
        boolean bf16Isa = Dnnl.effectiveIsaIncludes(org.bytedeco.dnnl.global.dnnl.dnnl_cpu_isa_avx512_core_bf16);
        assertEquals(bf16Isa ? Precision.BF16 : Precision.F32, ONEDNN.effectivePrecision(Precision.BF16));
        assertEquals(Precision.F32, ONEDNN.effectivePrecision(Precision.F32));
        assertTrue(ONEDNN.bf16Route().startsWith(bf16Isa ? "bf16" : "f32"), ONEDNN.bf16Route());
    }

    /** The ResNet layers run on oneDNN's bf16 JIT kernels, not on gemm or reference fallbacks, in both layouts. */
    @Test
    void resNetLayersUseBf16JitKernels() {
        ConvSpec res3 = ConvSpec.builder(2, false, 128, 128, 3).padding(1).build();
        ConvSpec oneByOne = ConvSpec.builder(2, false, 1024, 256, 1).build();
        ConvSpec deconv = ConvSpec.builder(2, true, 256, 128, 2).stride(2).build();
        for (ConvSpec spec : List.of(res3, oneByOne, deconv)) {
            long[] in = {2, spec.inChannels(), 14, 14};
            ConvProblem p = ConvGeometry.forward(spec, in, null);
            Random r = new Random(1);
            try (Tensor w = Bf16BoundTest.random(r, spec.weightShape());
                    Tensor b = Bf16BoundTest.random(r, new long[] {spec.outChannels()});
                    OneDnnConvKernel k = (OneDnnConvKernel) ONEDNN.prepareConv(spec, w, b, false, Precision.BF16)) {
                for (MemoryFormat f : MemoryFormat.values()) {
                    String impl = k.implementation(p, f);
                    if (BF16 && k.arithmetic() == OneDnnConvKernel.Arithmetic.BF16_MEMORY) {
                        assertTrue(impl.contains("avx512_core_bf16"), spec + " " + f + ": " + impl);
                    }
                    assertFalse(impl.contains("ref") || impl.contains("gemm"), spec + " " + f + ": " + impl);
                }
            }
        }
    }

    /**
     * The AMX route (f32 memory, fpmath_mode bf16) builds and computes within the bound here too;
     * on a CPU without AMX oneDNN computes it in f32, so only AMX machines test its speed.
     */
    @Test
    void fpmathRouteComputesWithinTheBound() {
        ConvSpec spec = ConvSpec.builder(2, false, 32, 48, 3).padding(1).groups(2).build();
        long[] in = {2, 32, 9, 10};
        ConvProblem p = ConvGeometry.forward(spec, in, null);
        Random r = new Random(7);
        try (Tensor w = Bf16BoundTest.random(r, spec.weightShape());
                Tensor b = Bf16BoundTest.random(r, new long[] {48});
                Tensor x = Bf16BoundTest.random(r, in);
                Tensor aw = abs(w);
                Tensor ab = abs(b);
                Tensor ax = abs(x);
                Tensor got = Tensor.zeros(p.outputShape());
                Tensor exact = Tensor.zeros(p.outputShape());
                Tensor scale = Tensor.zeros(p.outputShape());
                OneDnnConvKernel k = new OneDnnConvKernel(ONEDNN.runtime(), spec, w, b, true,
                        OneDnnConvKernel.Arithmetic.BF16_FPMATH);
                ConvKernel ref = ReferenceBackend.INSTANCE.prepareConv(spec, w, b, true);
                ConvKernel absRef = ReferenceBackend.INSTANCE.prepareConv(spec, aw, ab, false)) {
            assertEquals(Precision.BF16, k.precision());
            k.forward(p, x, got);
            ref.forward(p, x, exact);
            absRef.forward(p, ax, scale);
            float[] g = got.toFloatArray();
            float[] e = exact.toFloatArray();
            float[] s = scale.toFloatArray();
            int positive = 0;
            for (int i = 0; i < g.length; i++) {
                // ReLU is 1-Lipschitz: the fused result keeps the bound
                assertTrue(Math.abs((double) g[i] - e[i]) <= Precision.BF16.relativeBound() * s[i],
                        "element " + i + ": " + g[i] + " vs " + e[i] + ", scale " + s[i]);
                positive += g[i] > 0 ? 1 : 0;
            }
            assertTrue(positive > 0 && positive < g.length, "ReLU output should be partly zero: " + positive);
        }
    }

    /**
     * Where the CPU has no bf16 products (here forced with oneDNN's ONEDNN_MAX_CPU_ISA in a child
     * JVM), {@code conv4j info} and {@code check --precision bf16} say that convolutions compute in
     * f32, and the check still passes.
     */
    @Test
    void withoutBf16TheCommandLineSaysF32() throws IOException, InterruptedException {
        String info = child("info");
        assertTrue(info.contains("bf16:         f32 (CPU ISA avx512_core_vnni has no bf16 products"), info);
        String check = child("check", "src/test/resources/cases/conv2d_basic", "--precision", "bf16");
        assertTrue(check.contains("precision: bf16 requested, convolutions compute in f32 on onednn "
                + "(this CPU has no bf16 products)"), check);
        assertTrue(check.contains("check (onednn, bf16): 1 passed, 0 failed"), check);
    }

    private static String child(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("dev.conv4j.cli.Main");
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("ONEDNN_MAX_CPU_ISA", "AVX512_CORE_VNNI");
        pb.environment().remove("ONEDNN_VERBOSE");
        Process child = pb.start();
        child.getOutputStream().close();
        byte[] out = child.getInputStream().readAllBytes();
        assertTrue(child.waitFor(120, TimeUnit.SECONDS), "child JVM did not finish");
        String text = new String(out, StandardCharsets.UTF_8);
        assertEquals(0, child.exitValue(), text);
        return text;
    }

    private static Tensor abs(Tensor t) {
        Tensor a = Tensor.zeros(DType.FLOAT32, MemoryFormat.CONTIGUOUS, t.shape());
        java.nio.FloatBuffer in = t.floatBuffer();
        java.nio.FloatBuffer out = a.floatBuffer();
        for (int i = 0; i < in.capacity(); i++) {
            out.put(i, Math.abs(in.get(i)));
        }
        return a;
    }
}
