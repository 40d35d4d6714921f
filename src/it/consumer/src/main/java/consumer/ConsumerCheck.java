package consumer;

import dev.conv4j.Tensor;
import dev.conv4j.backend.Backends;
import dev.conv4j.nn.Conv2d;
import dev.conv4j.nn.MaxPool2d;

/**
 * Runs a Conv2d and a MaxPool2d on the oneDNN backend, from nothing but conv4j-platform's
 * dependencies, and checks them against values computed here; then checks that the library
 * brought no tooling: no command line, case runner or benchmark classes, none of the tools'
 * libraries (picocli, jackson) or test libraries (junit, jmh), and that its jar names its module.
 * Exit status 0 on success.
 */
public final class ConsumerCheck {
    /** Classes a consumer of the library must not find on its class path. */
    private static final String[] NOT_INHERITED = {
        "dev.conv4j.cli.Main", "dev.conv4j.cases.CaseRunner", "dev.conv4j.bench.BenchRunner",
        "dev.conv4j.onednn.BarePrimitive", "dev.conv4j.bench.BarePrimitive",
        "picocli.CommandLine", "com.fasterxml.jackson.databind.ObjectMapper",
        "org.junit.jupiter.api.Test", "org.openjdk.jmh.Main",
    };

    public static void main(String[] args) throws java.io.IOException {
        // x[h][w] = h * 4 + w on a 1x1x4x4 input; a 2x2 kernel of ones with bias 0.5:
        // y[i][j] = x[i][j] + x[i][j+1] + x[i+1][j] + x[i+1][j+1] + 0.5 = 16i + 4j + 10.5
        float[] x = new float[16];
        for (int i = 0; i < 16; i++) {
            x[i] = i;
        }
        float[] expectedConv = new float[9];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                expectedConv[i * 3 + j] = 16 * i + 4 * j + 10.5f;
            }
        }
        // max pooling 2x2/2 of x keeps the bottom-right element of each window: 5, 7, 13, 15
        float[] expectedPool = {5, 7, 13, 15};
        try (Tensor input = Tensor.of(x, 1, 1, 4, 4);
                Tensor w = Tensor.of(new float[] {1, 1, 1, 1}, 1, 1, 2, 2);
                Tensor b = Tensor.of(new float[] {0.5f}, 1);
                Conv2d conv = Conv2d.builder(1, 1, 2).weight(w).bias(b).backend(Backends.onednn()).build();
                MaxPool2d pool = MaxPool2d.builder(2).backend(Backends.onednn()).build();
                Tensor y = conv.forward(input);
                Tensor z = pool.forward(input)) {
            check("Conv2d", expectedConv, y.toFloatArray());
            check("MaxPool2d", expectedPool, z.toFloatArray());
        }
        for (String name : NOT_INHERITED) {
            try {
                Class.forName(name, false, ConsumerCheck.class.getClassLoader());
                fail(name + " is on the class path of a project that depends only on conv4j-platform");
            } catch (ClassNotFoundException expected) {
                // as it should be
            }
        }
        String jar = Tensor.class.getProtectionDomain().getCodeSource().getLocation().getPath();
        try (java.util.jar.JarFile file = new java.util.jar.JarFile(jar)) {
            String module = file.getManifest().getMainAttributes().getValue("Automatic-Module-Name");
            if (!"dev.conv4j".equals(module)) {
                fail(jar + ": Automatic-Module-Name is " + module + ", expected dev.conv4j");
            }
        }
        System.out.println("consumer check passed: Conv2d and MaxPool2d on " + Backends.onednn().name()
                + " from conv4j-platform; no tooling inherited; module dev.conv4j");
    }

    private static void fail(String message) {
        System.err.println("consumer check FAILED: " + message);
        System.exit(1);
    }

    private static void check(String what, float[] expected, float[] got) {
        if (!java.util.Arrays.equals(expected, got)) {
            System.err.println("consumer check FAILED: " + what + " expected " + java.util.Arrays.toString(expected)
                    + " but got " + java.util.Arrays.toString(got));
            System.exit(1);
        }
    }
}
