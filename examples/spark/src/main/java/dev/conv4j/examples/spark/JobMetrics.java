package dev.conv4j.examples.spark;

import java.io.Serializable;

import org.apache.spark.SparkContext;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;

/**
 * What the tasks report to the driver, through accumulators: the modules they built (one per
 * executor JVM expected), the threads per call they ran with, and the time spent in conv4j
 * (reading a file's tensor and scoring it), summed over all tasks.
 */
record JobMetrics(LongAccumulator modulesBuilt, CollectionAccumulator<Integer> threadsPerCall,
        LongAccumulator conv4jNanos) implements Serializable {

    static JobMetrics register(SparkContext sc) {
        return new JobMetrics(sc.longAccumulator("conv4j modules built"),
                sc.collectionAccumulator("conv4j threads per call"), sc.longAccumulator("conv4j nanoseconds"));
    }
}
