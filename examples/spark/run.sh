#!/usr/bin/env bash
# Batch inference on Apache Spark (local[2]) with conv4j in the executors; see README.md,
# "Scaling out". Needs the conv4j jars in the local Maven repository (`mvn -B install` at the
# repository root). Builds this project (the first time, Maven downloads Spark 4 and its
# dependencies: about 275 MB), then:
#   1. a negative check: a Spark job over 16 images, one of them truncated, must fail with a
#      message naming that file, and write nothing;
#   2. single-JVM conv4j (a JVM with conv4j's jars alone, no Spark) writes 512 images and the
#      weights, and scores the images: the reference;
#   3. the Spark job scores the same files in 8 partitions, writes Parquet, reads it back and
#      compares every row with the reference, bit for bit.
# The last line is the job's summary; it says "identical" when every row matched.
# Takes 1.5 to 3.5 minutes on 2 busy cores with a warm ~/.m2; each step is cut off after 5 min.
set -euo pipefail
cd "$(dirname "$0")"

mvn -B -q package

# Spark 4 on Java 17 reaches into JDK internals (its off-heap buffers, reflection on collections):
# the same --add-opens as Spark's own launcher passes.
JAVA_OPTS=(
    -XX:+IgnoreUnrecognizedVMOptions
    --add-opens=java.base/java.lang=ALL-UNNAMED
    --add-opens=java.base/java.lang.invoke=ALL-UNNAMED
    --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
    --add-opens=java.base/java.io=ALL-UNNAMED
    --add-opens=java.base/java.net=ALL-UNNAMED
    --add-opens=java.base/java.nio=ALL-UNNAMED
    --add-opens=java.base/java.util=ALL-UNNAMED
    --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
    --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED
    --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED
    --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
    --add-opens=java.base/sun.nio.cs=ALL-UNNAMED
    --add-opens=java.base/sun.security.action=ALL-UNNAMED
    --add-opens=java.base/sun.util.calendar=ALL-UNNAMED
    -Djdk.reflect.useDirectMethodHandle=false
    -Dio.netty.tryReflectionSetAccessible=true
    -Xmx1g
)
CP="target/classes:$(cat target/classpath.txt)"
export SPARK_LOCAL_IP=127.0.0.1 # local mode: everything stays on the loopback interface
job() {
    timeout 300 java "${JAVA_OPTS[@]}" -cp "$CP" dev.conv4j.examples.spark.ScoreImages "$@"
}

start=$(date +%s)
job --work target/run-corrupt --images 16 --partitions 2 --corrupt 5
# the reference, with what a cluster would ship alongside the job (conv4j and its natives) only;
# one thread per call, as each task gets here (spark.task.cpus = 1)
timeout 300 java -cp "target/classes:$(cat target/ship-classpath.txt)" dev.conv4j.examples.spark.SingleJvmScore \
    --work target/run --images 512 --threads 1
# the job's summary line is held back and printed last, whatever Spark logs after it
summary() { grep '^spark-inference:' target/run.log | tail -1; }
if ! job --work target/run --partitions 8 | tee target/run.log | grep -v '^spark-inference:'; then
    summary
    exit 1
fi
echo "run.sh: all three steps in $(( $(date +%s) - start )) s"
summary
