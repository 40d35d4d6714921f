package dev.conv4j.examples.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;
import java.util.stream.Stream;

import dev.conv4j.Tensor;
import dev.conv4j.nn.Sequential;
import dev.conv4j.onednn.OneDnnBackend;

/**
 * The reference for the Spark job: writes the inputs and weights, then scores every image in this
 * one JVM, without Spark (run.sh starts it with conv4j's jars alone on the class path), and writes
 * each result as {@code DIR/reference/img-NNNNN.npy}. {@link ScoreImages} then scores the same
 * files on Spark and compares its table with these files, bit for bit.
 *
 * <pre>
 * SingleJvmScore --work DIR --images N --threads T
 * </pre>
 *
 * T should be the threads of one call in the executors (spark.task.cpus).
 */
public final class SingleJvmScore {
    static final long IMAGE_SEED = 20_240_601L;
    static final long WEIGHT_SEED = 7L;

    private SingleJvmScore() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 6 || !args[0].equals("--work") || !args[2].equals("--images") || !args[4].equals("--threads")) {
            throw new IllegalArgumentException("usage: SingleJvmScore --work DIR --images N --threads T");
        }
        Path work = Paths.get(args[1]).toAbsolutePath();
        int images = Integer.parseInt(args[3]);
        int threads = Integer.parseInt(args[5]);
        deleteRecursively(work);
        Path inputs = work.resolve("inputs");
        Path weights = work.resolve("weights");
        Path reference = work.resolve("reference");
        TutorialCnn.writeImages(inputs, images, IMAGE_SEED);
        TutorialCnn.writeWeights(weights, WEIGHT_SEED);
        Files.createDirectories(reference);

        OneDnnBackend.instance().setThreads(threads);
        long start = System.nanoTime();
        try (Sequential net = TutorialCnn.build(TutorialCnn.readWeightFiles(weights))) {
            for (int i = 0; i < images; i++) {
                String name = TutorialCnn.imageName(i);
                try (Tensor x = Tensor.readNpy(inputs.resolve(name)); Tensor y = net.forward(x)) {
                    y.writeNpy(reference.resolve(name));
                }
            }
        }
        System.out.printf(Locale.ROOT, "single-JVM conv4j (no Spark): %d images in %.2f s, %d thread(s) per call, "
                + "written to %s%n", images, (System.nanoTime() - start) / 1e9, threads, reference);
    }

    /** Deletes {@code dir} and everything in it, if it exists. */
    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.delete(p);
            }
        }
    }
}
