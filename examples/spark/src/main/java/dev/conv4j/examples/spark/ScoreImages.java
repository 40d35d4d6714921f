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
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.bytedeco.javacpp.Pointer;

import dev.conv4j.Tensor;

/**
 * Batch inference on Spark with conv4j in the executors, checked against conv4j in one JVM.
 *
 * <pre>
 * ScoreImages --work DIR [--partitions P]
 * ScoreImages --work DIR --images N --corrupt I [--partitions P]
 * </pre>
 *
 * <p>The first form scores the images that {@link SingleJvmScore} wrote into {@code DIR/inputs}:
 * it broadcasts the bytes of the weight files ({@code DIR/weights}), reads the images with Spark's
 * {@code binaryFile} source in about P partitions (default 8), scores them in the executors (one
 * module per executor JVM, see {@link ExecutorModels}) and writes a Parquet table (file, features)
 * to {@code DIR/outputs}. Then it reads the table back and compares every row, bit for bit, with
 * {@code DIR/reference/<file>}, the result of single-JVM conv4j on the same file; it prints one
 * summary line and exits 0 if all are identical.
 *
 * <p>The second form is the negative check: it writes N images and the weights into {@code DIR},
 * truncates image I, and runs the same job, which must fail with a message naming that file and
 * write no output; the exit status says whether it did.
 *
 * <p>The master is {@code local[2]} unless one is given (spark-submit's {@code --master}).
 */
public final class ScoreImages {
    private ScoreImages() {
    }

    public static void main(String[] args) throws IOException {
        Map<String, String> opts = parse(args);
        Path work = Paths.get(opts.getOrDefault("--work", "target/run")).toAbsolutePath();
        int partitions = Integer.parseInt(opts.getOrDefault("--partitions", "8"));
        Path inputs = work.resolve("inputs");
        Path weightsDir = work.resolve("weights");
        Path outputs = work.resolve("outputs");
        Path corruptFile = null;
        if (opts.containsKey("--corrupt")) {
            SingleJvmScore.deleteRecursively(work);
            TutorialCnn.writeImages(inputs, Integer.parseInt(opts.getOrDefault("--images", "16")),
                    SingleJvmScore.IMAGE_SEED);
            TutorialCnn.writeWeights(weightsDir, SingleJvmScore.WEIGHT_SEED);
            corruptFile = inputs.resolve(TutorialCnn.imageName(Integer.parseInt(opts.get("--corrupt"))));
            byte[] whole = Files.readAllBytes(corruptFile);
            Files.write(corruptFile, java.util.Arrays.copyOf(whole, whole.length / 2));
        } else {
            if (!Files.isDirectory(work.resolve("reference"))) {
                throw new IllegalArgumentException(work.resolve("reference")
                        + " does not exist: run SingleJvmScore --work " + work + " first");
            }
            SingleJvmScore.deleteRecursively(outputs);
        }

        long t = System.nanoTime();
        SparkSession spark = session(partitions);
        System.out.printf(Locale.ROOT, "Spark session started in %.1f s%n", (System.nanoTime() - t) / 1e9);
        int code;
        try {
            code = corruptFile == null
                    ? scoreAndVerify(spark, inputs, weightsDir, outputs, work.resolve("reference"))
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
    private static Dataset<Row> scored(SparkSession spark, Path inputs, Path weightsDir, JobMetrics metrics)
            throws IOException {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<HashMap<String, byte[]>> weights = jsc.broadcast(new HashMap<>(TutorialCnn.readWeightFiles(weightsDir)));
        Dataset<Row> files = spark.read().format("binaryFile")
                .option("pathGlobFilter", "*.npy")
                .load(inputs.toUri().toString())
                .select("path", "content");
        return files.mapPartitions(new ScorePartition(weights, metrics), Encoders.row(ScorePartition.SCHEMA));
    }

    private static int scoreAndVerify(SparkSession spark, Path inputs, Path weightsDir, Path outputs, Path reference)
            throws IOException {
        JobMetrics metrics = JobMetrics.register(spark.sparkContext());
        Dataset<Row> scored = scored(spark, inputs, weightsDir, metrics);
        int partitions = scored.rdd().getNumPartitions();
        long start = System.nanoTime();
        scored.write().mode(SaveMode.Overwrite).parquet(outputs.toUri().toString());
        double seconds = (System.nanoTime() - start) / 1e9;
        boolean local = spark.sparkContext().isLocal();
        if (local) { // the executor is this JVM: its native memory is ours to read
            System.out.printf(Locale.ROOT, "native memory after the job: %.1f MiB allocated through JavaCPP (conv4j's tensors, "
                    + "weight copies and block pool), %.0f MiB resident in the process%n",
                    Pointer.totalBytes() / 1048576.0, Pointer.physicalBytes() / 1048576.0);
        }

        // The check: the table read back against single-JVM conv4j's results.
        long checkStart = System.nanoTime();
        List<Row> rows = spark.read().parquet(outputs.toUri().toString()).collectAsList();
        List<String> problems = verify(rows, reference);
        int taskCpus = spark.sparkContext().getConf().getInt("spark.task.cpus", 1);
        Set<Integer> threadCounts = new TreeSet<>(metrics.threadsPerCall().value());
        long built = metrics.modulesBuilt().value();
        if (!threadCounts.equals(Set.of(taskCpus))) {
            problems.add("the tasks ran with " + threadCounts + " thread(s) per call, expected spark.task.cpus = "
                    + taskCpus);
        }
        if (local && built != 1) {
            problems.add(built + " modules were built in the one local JVM, expected 1 shared by its tasks");
        }
        System.out.printf(Locale.ROOT, "job: %.1f s for %d images, of which %.1f s (summed over tasks) in conv4j "
                + "(reading each tensor and scoring it, first calls included); check: %.1f s%n", seconds, rows.size(),
                metrics.conv4jNanos().value() / 1e9, (System.nanoTime() - checkStart) / 1e9);
        problems.stream().limit(10).forEach(p -> System.out.println("MISMATCH: " + p));
        String summary = String.format(Locale.ROOT,
                "spark-inference: %d rows, %d partitions, master %s, %s thread(s) per call, %d module(s) built, "
                        + "%.1f s, %s",
                rows.size(), partitions, spark.sparkContext().master(), threadCounts, built, seconds,
                problems.isEmpty() ? "identical to single-JVM conv4j"
                        : problems.size() + " problem(s), NOT identical to single-JVM conv4j");
        System.out.println(summary);
        return problems.isEmpty() ? 0 : 1;
    }

    /**
     * Every reference file has exactly one row, whose features equal the file's bit for bit, and
     * there is no other row.
     */
    private static List<String> verify(List<Row> rows, Path reference) throws IOException {
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
        List<Path> expectedFiles;
        try (Stream<Path> s = Files.list(reference)) {
            expectedFiles = s.filter(p -> p.toString().endsWith(".npy")).sorted().toList();
        }
        if (expectedFiles.isEmpty()) {
            problems.add(reference + " holds no results");
        }
        for (Path file : expectedFiles) {
            String name = file.getFileName().toString();
            float[] actual = got.remove(name);
            if (actual == null) {
                problems.add(name + " has no row");
                continue;
            }
            try (Tensor y = Tensor.readNpy(file)) {
                float[] expected = y.toFloatArray();
                int differing = differingBits(expected, actual);
                if (differing != 0) {
                    problems.add(name + ": " + differing + " of " + expected.length + " values differ");
                }
            }
        }
        got.keySet().stream().sorted().forEach(name -> problems.add(name + " has a row but no reference result"));
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
        String failure = null;
        try {
            scored(spark, inputs, weightsDir, JobMetrics.register(spark.sparkContext())).write().mode(SaveMode.Overwrite).parquet(outputs.toUri().toString());
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
                        "usage: ScoreImages --work DIR [--partitions P] | --work DIR --images N --corrupt I [--partitions P]");
            }
            opts.put(args[i], args[i + 1]);
        }
        return opts;
    }
}
