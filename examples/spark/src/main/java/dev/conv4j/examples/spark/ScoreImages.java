package dev.conv4j.examples.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;
import org.bytedeco.javacpp.Pointer;

import dev.conv4j.Tensor;
import dev.conv4j.nn.Sequential;
import dev.conv4j.onednn.OneDnnBackend;

/**
 * Batch inference on Spark with conv4j in the executors, checked against conv4j in one JVM.
 *
 * <pre>
 * ScoreImages --work DIR [--images N] [--partitions P] [--corrupt I]
 * </pre>
 *
 * <ol>
 * <li>writes N deterministic images ({@code DIR/inputs/img-00000.npy}, ..., each 1x3x32x32) and
 * the tutorial CNN's weights ({@code DIR/weights/*.npy});</li>
 * <li>broadcasts the weight files' bytes, reads the images with Spark's {@code binaryFile} source
 * in about P partitions, scores them in the executors (one module per executor JVM, see
 * {@link ExecutorModels}) and writes a Parquet table (file, features) to {@code DIR/outputs};</li>
 * <li>reads the table back and compares every row, bit for bit, with the same network run in this
 * JVM without Spark on the same files; prints one summary line and exits 0 if all are identical.</li>
 * </ol>
 *
 * <p>With {@code --corrupt I}, image I is truncated after it is written: the job must fail with a
 * message naming that file and write no output; that is the check, and the exit status says if
 * it held. The master is {@code local[2]} unless one is given (spark-submit's {@code --master}).
 */
public final class ScoreImages {
    private static final long IMAGE_SEED = 20_240_601L;
    private static final long WEIGHT_SEED = 7L;

    private ScoreImages() {
    }

    public static void main(String[] args) throws IOException {
        Map<String, String> opts = parse(args);
        Path work = Paths.get(opts.getOrDefault("--work", "target/run")).toAbsolutePath();
        int images = Integer.parseInt(opts.getOrDefault("--images", "512"));
        int partitions = Integer.parseInt(opts.getOrDefault("--partitions", "8"));
        Integer corrupt = opts.containsKey("--corrupt") ? Integer.valueOf(opts.get("--corrupt")) : null;

        Path inputs = work.resolve("inputs");
        Path weightsDir = work.resolve("weights");
        Path outputs = work.resolve("outputs");
        long t0 = System.nanoTime();
        deleteRecursively(work);
        TutorialCnn.writeImages(inputs, images, IMAGE_SEED);
        TutorialCnn.writeWeights(weightsDir, WEIGHT_SEED);
        Path corruptFile = null;
        if (corrupt != null) {
            corruptFile = inputs.resolve(TutorialCnn.imageName(corrupt));
            byte[] whole = Files.readAllBytes(corruptFile);
            Files.write(corruptFile, java.util.Arrays.copyOf(whole, whole.length / 2));
        }

        double inputSeconds = (System.nanoTime() - t0) / 1e9;
        long t1 = System.nanoTime();
        SparkSession spark = session(partitions);
        double sessionSeconds = (System.nanoTime() - t1) / 1e9;
        System.out.printf(Locale.ROOT, "inputs written in %.1f s, Spark session started in %.1f s%n",
                inputSeconds, sessionSeconds);
        int code;
        try {
            code = corruptFile == null
                    ? scoreAndVerify(spark, inputs, weightsDir, outputs, images)
                    : expectFailure(spark, inputs, weightsDir, outputs, corruptFile);
        } finally {
            spark.stop();
        }
        System.exit(code);
    }

    private static SparkSession session(int partitions) {
        SparkSession.Builder b = SparkSession.builder().appName("conv4j-spark-inference")
                .config("spark.ui.enabled", "false")
                // the file source packs small files into splits; these two ask it for about P of them
                .config("spark.sql.files.maxPartitionBytes", "1g")
                .config("spark.sql.files.minPartitionNum", Integer.toString(partitions));
        if (System.getProperty("spark.master") == null) { // not under spark-submit
            b.master("local[2]")
                    .config("spark.driver.host", "127.0.0.1")
                    .config("spark.driver.bindAddress", "127.0.0.1");
        }
        return b.getOrCreate();
    }

    /** The scoring job: broadcast the weights, read the images, score them in the executors, write. */
    private static Dataset<Row> scored(SparkSession spark, Path inputs, Path weightsDir, LongAccumulator built)
            throws IOException {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<HashMap<String, byte[]>> weights = jsc.broadcast(new HashMap<>(TutorialCnn.readWeightFiles(weightsDir)));
        Dataset<Row> files = spark.read().format("binaryFile")
                .option("pathGlobFilter", "*.npy")
                .load(inputs.toUri().toString())
                .select("path", "content");
        return files.mapPartitions(new ScorePartition(weights, built), Encoders.row(ScorePartition.SCHEMA));
    }

    private static int scoreAndVerify(SparkSession spark, Path inputs, Path weightsDir, Path outputs, int images)
            throws IOException {
        LongAccumulator built = spark.sparkContext().longAccumulator("conv4j modules built");
        Dataset<Row> scored = scored(spark, inputs, weightsDir, built);
        int partitions = scored.rdd().getNumPartitions();
        long start = System.nanoTime();
        scored.write().mode(SaveMode.Overwrite).parquet(outputs.toUri().toString());
        double seconds = (System.nanoTime() - start) / 1e9;
        boolean local = spark.sparkContext().isLocal();
        if (local) { // the executor is this JVM: its native memory is ours to read
            System.out.printf(Locale.ROOT, "native memory after the job: %.1f MiB held by JavaCPP (tensors, weights, "
                    + "scratchpads, conv4j's block pool), %.0f MiB resident in the process%n",
                    Pointer.totalBytes() / 1048576.0, Pointer.physicalBytes() / 1048576.0);
        }

        // The check: the table read back against the same network in this JVM, without Spark.
        long checkStart = System.nanoTime();
        List<Row> rows = spark.read().parquet(outputs.toUri().toString()).collectAsList();
        int taskCpus = spark.sparkContext().getConf().getInt("spark.task.cpus", 1);
        List<String> problems = verify(rows, inputs, weightsDir, images, taskCpus);
        System.out.printf(Locale.ROOT, "job: %.1f s for %d images (%.0f images/s, including the first call's "
                + "native library loading); check: %.1f s%n", seconds, images, images / seconds,
                (System.nanoTime() - checkStart) / 1e9);
        if (local && built.value() != 1) {
            problems.add(built.value() + " modules were built in the one local JVM, expected 1 shared by its tasks");
        }
        problems.stream().limit(10).forEach(p -> System.out.println("MISMATCH: " + p));
        String summary = String.format(Locale.ROOT,
                "spark-inference: %d rows, %d partitions, master %s, %d thread(s) per call, %d module(s) built, "
                        + "%.1f s, %s",
                rows.size(), partitions, spark.sparkContext().master(), taskCpus, built.value(), seconds,
                problems.isEmpty() ? "identical" : problems.size() + " problem(s), NOT identical");
        System.out.println(summary);
        return problems.isEmpty() ? 0 : 1;
    }

    /** Every input has exactly one row, whose features equal single-JVM conv4j's bit for bit. */
    private static List<String> verify(List<Row> rows, Path inputs, Path weightsDir, int images, int threads)
            throws IOException {
        List<String> problems = new ArrayList<>();
        Map<String, float[]> got = new HashMap<>();
        for (Row r : rows) {
            List<Float> values = r.getList(1);
            float[] f = new float[values.size()];
            for (int i = 0; i < f.length; i++) {
                f[i] = values.get(i);
            }
            if (got.put(r.getString(0), f) != null) {
                problems.add(r.getString(0) + " has more than one row");
            }
        }
        if (rows.size() != images) {
            problems.add(rows.size() + " rows for " + images + " images");
        }
        OneDnnBackend.instance().setThreads(threads); // as in the executors
        try (Sequential net = TutorialCnn.build(TutorialCnn.readWeightFiles(weightsDir))) {
            for (int i = 0; i < images; i++) {
                String name = TutorialCnn.imageName(i);
                float[] actual = got.get(name);
                if (actual == null) {
                    problems.add(name + " has no row");
                    continue;
                }
                try (Tensor x = Tensor.readNpy(inputs.resolve(name)); Tensor y = net.forward(x)) {
                    float[] expected = y.toFloatArray();
                    int differing = differingBits(expected, actual);
                    if (differing != 0) {
                        problems.add(name + ": " + differing + " of " + expected.length + " values differ");
                    }
                }
            }
        }
        return problems;
    }

    /** How many elements differ in their bits (all of them if the lengths differ). */
    static int differingBits(float[] expected, float[] actual) {
        if (expected.length != actual.length) {
            return Math.max(expected.length, actual.length);
        }
        int n = 0;
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) {
                n++;
            }
        }
        return n;
    }

    /** The negative check: the job must fail naming the corrupt file, and write no output. */
    private static int expectFailure(SparkSession spark, Path inputs, Path weightsDir, Path outputs, Path corruptFile)
            throws IOException {
        // the failure is expected: Spark's own error logs (the task's stack trace, three times) are
        // left out, and the one line below says what happened
        spark.sparkContext().setLogLevel("OFF");
        LongAccumulator built = spark.sparkContext().longAccumulator("conv4j modules built");
        String failure = null;
        try {
            scored(spark, inputs, weightsDir, built).write().mode(SaveMode.Overwrite).parquet(outputs.toUri().toString());
        } catch (Exception e) {
            failure = messageNaming(e, corruptFile.toUri().toString());
            if (failure == null) {
                e.printStackTrace();
                System.out.println("FAILED: the job failed, but no message in its causes names " + corruptFile);
                return 1;
            }
        }
        if (failure == null) {
            System.out.println("FAILED: the job succeeded although " + corruptFile + " is truncated");
            return 1;
        }
        List<Path> written = new ArrayList<>();
        if (Files.exists(outputs)) {
            try (Stream<Path> s = Files.walk(outputs)) {
                s.filter(Files::isRegularFile).forEach(written::add);
            }
        }
        if (!written.isEmpty()) {
            System.out.println("FAILED: the failed job left " + written.size() + " file(s) in " + outputs + ", e.g. "
                    + written.get(0));
            return 1;
        }
        System.out.println("negative check passed: the job failed with \"" + failure + "\" and wrote nothing");
        return 0;
    }

    /**
     * The message closest to the root of the cause chain that names {@code file}, cut to its first
     * line (Spark's job-abort message on top embeds the executor's stack traces).
     */
    private static String messageNaming(Throwable e, String file) {
        String plain = file.replaceFirst("^file:/+", "/"); // Spark writes file:/x, Path.toUri file:///x
        List<Throwable> chain = new ArrayList<>();
        for (Throwable t = e; t != null && !chain.contains(t); t = t.getCause()) {
            chain.add(t);
        }
        for (int i = chain.size() - 1; i >= 0; i--) {
            Throwable t = chain.get(i);
            String m = t.getMessage();
            if (m != null && m.contains(plain)) {
                return t.getClass().getName() + ": " + m.lines().findFirst().orElse(m);
            }
        }
        return null;
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> opts = new HashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException(
                        "usage: ScoreImages --work DIR [--images N] [--partitions P] [--corrupt I]");
            }
            opts.put(args[i], args[i + 1]);
        }
        return opts;
    }

    private static void deleteRecursively(Path dir) throws IOException {
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
