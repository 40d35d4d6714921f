package dev.conv4j.examples.spark;

import java.io.IOException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;

import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import dev.conv4j.Tensor;
import dev.conv4j.nn.Sequential;
import dev.conv4j.onednn.OneDnnBackend;

/**
 * Runs on the executors: turns the rows of Spark's {@code binaryFile} source (path, content) of
 * one partition into rows (file, features), one image at a time, with the JVM's shared module.
 * A file that is not an image of the expected shape fails the task with an exception whose
 * message starts with the file's path.
 */
final class ScorePartition implements MapPartitionsFunction<Row, Row> {
    /** The output table: the input's file name and its 16x5x5 features in C order. */
    static final StructType SCHEMA = new StructType()
            .add("file", DataTypes.StringType, false)
            .add("features", DataTypes.createArrayType(DataTypes.FloatType, false), false);

    private final Broadcast<? extends Map<String, byte[]>> weights;
    private final JobMetrics metrics;

    ScorePartition(Broadcast<? extends Map<String, byte[]>> weights, JobMetrics metrics) {
        this.weights = weights;
        this.metrics = metrics;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> files) {
        // threads per call = the cores Spark gives each task (spark.task.cpus)
        Sequential net = ExecutorModels.get(weights, TaskContext.get().cpus(), metrics.modulesBuilt());
        metrics.threadsPerCall().add(OneDnnBackend.instance().threads());
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return files.hasNext();
            }

            @Override
            public Row next() {
                Row file = files.next();
                long start = System.nanoTime();
                Row scored = score(net, file.getString(0), file.getAs(1));
                metrics.conv4jNanos().add(System.nanoTime() - start);
                return scored;
            }
        };
    }

    /** Scores one file; the row holds the file's name only, its folder is the job's input. */
    static Row score(Sequential net, String path, byte[] content) {
        try (Tensor x = Tensor.readNpy(content, path)) {
            if (!Arrays.equals(x.shape(), TutorialCnn.INPUT_SHAPE)) {
                throw new IllegalArgumentException(path + ": expected an image of shape "
                        + Arrays.toString(TutorialCnn.INPUT_SHAPE) + ", but got " + Arrays.toString(x.shape()));
            }
            try (Tensor y = net.forward(x)) {
                return RowFactory.create(fileName(path), y.toFloatArray());
            }
        } catch (IOException e) {
            // its message already starts with the path
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    static String fileName(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }
}
