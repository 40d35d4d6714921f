package dev.conv4j.examples.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

import dev.conv4j.Tensor;
import dev.conv4j.nn.Conv2d;
import dev.conv4j.nn.MaxPool2d;
import dev.conv4j.nn.ReLU;
import dev.conv4j.nn.Sequential;

/**
 * The feature extractor of PyTorch's CIFAR-10 tutorial CNN on 3x32x32 images:
 * Conv2d(3, 6, 5) -> ReLU -> MaxPool2d(2) -> Conv2d(6, 16, 5) -> ReLU -> MaxPool2d(2), giving
 * 16x5x5 per image. Its weights travel as the bytes of {@code .npy} files, so that the driver can
 * broadcast them and every JVM builds the same module from the same bytes.
 */
final class TutorialCnn {
    /** One image: batch 1, RGB, 32x32. */
    static final long[] INPUT_SHAPE = {1, 3, 32, 32};
    /** Its features: batch 1, 16 channels, 5x5. */
    static final long[] OUTPUT_SHAPE = {1, 16, 5, 5};

    /** The weight files and their shapes (PyTorch's layouts), in the order of the layers. */
    static final Map<String, long[]> WEIGHTS = weightShapes();

    private TutorialCnn() {
    }

    private static Map<String, long[]> weightShapes() {
        Map<String, long[]> m = new LinkedHashMap<>();
        m.put("conv1.weight.npy", new long[] {6, 3, 5, 5});
        m.put("conv1.bias.npy", new long[] {6});
        m.put("conv2.weight.npy", new long[] {16, 6, 5, 5});
        m.put("conv2.bias.npy", new long[] {16});
        return m;
    }

    /**
     * Writes deterministic weights into {@code dir}: uniform in +-1/sqrt(fan_in) like PyTorch's
     * default initialisation, drawn from a fixed seed, so every run scores with the same model.
     */
    static void writeWeights(Path dir, long seed) throws IOException {
        Files.createDirectories(dir);
        SplittableRandom random = new SplittableRandom(seed);
        for (Map.Entry<String, long[]> e : WEIGHTS.entrySet()) {
            long[] shape = e.getValue();
            // the bias of a layer has the bound of its weight: fan_in = in_channels * 5 * 5
            double bound = 1 / Math.sqrt(e.getKey().startsWith("conv1") ? 3 * 25 : 6 * 25);
            float[] values = new float[Math.toIntExact(Arrays.stream(shape).reduce(1, (a, b) -> a * b))];
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) random.nextDouble(-bound, bound);
            }
            try (Tensor t = Tensor.of(values, shape)) {
                t.writeNpy(dir.resolve(e.getKey()));
            }
        }
    }

    /** Reads the weight files of {@code dir} into memory, ready to broadcast. */
    static Map<String, byte[]> readWeightFiles(Path dir) throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (String name : WEIGHTS.keySet()) {
            files.put(name, Files.readAllBytes(dir.resolve(name)));
        }
        return files;
    }

    /** Builds the network (on the default backend, oneDNN) from the bytes of its weight files. */
    static Sequential build(Map<String, byte[]> weightFiles) throws IOException {
        try (Tensor w1 = weight(weightFiles, "conv1.weight.npy");
                Tensor b1 = weight(weightFiles, "conv1.bias.npy");
                Tensor w2 = weight(weightFiles, "conv2.weight.npy");
                Tensor b2 = weight(weightFiles, "conv2.bias.npy")) {
            // the builders copy the weights, so the tensors read here are closed at once
            return new Sequential(
                    Conv2d.builder(3, 6, 5).weight(w1).bias(b1).build(), new ReLU(), MaxPool2d.builder(2).build(),
                    Conv2d.builder(6, 16, 5).weight(w2).bias(b2).build(), new ReLU(), MaxPool2d.builder(2).build());
        }
    }

    private static Tensor weight(Map<String, byte[]> files, String name) throws IOException {
        byte[] bytes = files.get(name);
        if (bytes == null) {
            throw new IOException("weight file " + name + " is missing");
        }
        return Tensor.readNpy(bytes, name);
    }

    /** Writes {@code count} deterministic images img-00000.npy, ... of {@link #INPUT_SHAPE} into {@code dir}. */
    static void writeImages(Path dir, int count, long seed) throws IOException {
        Files.createDirectories(dir);
        float[] pixels = new float[3 * 32 * 32];
        for (int i = 0; i < count; i++) {
            SplittableRandom random = new SplittableRandom(seed + i);
            for (int j = 0; j < pixels.length; j++) {
                pixels[j] = (float) random.nextDouble(-1, 1);
            }
            try (Tensor t = Tensor.of(pixels, INPUT_SHAPE)) {
                t.writeNpy(dir.resolve(imageName(i)));
            }
        }
    }

    static String imageName(int i) {
        return String.format("img-%05d.npy", i);
    }
}
