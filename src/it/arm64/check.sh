#!/usr/bin/env bash
# The linux-arm64 jars under emulation: runs, on this x86-64 host, Debian's arm64 JRE under
# qemu-user with conv4j-VERSION-linux-arm64.jar (built here by `cppbuild.sh linux-arm64`) and
# the linux-arm64 jars of oneDNN, OpenCL and JavaCPP:
#
#   1. the consumer check (src/it/consumer, resolved from conv4j-platform with
#      -Djavacpp.platform=linux-arm64): oneDNN's and our AArch64 libraries load and compute;
#   2. every golden case of src/test/resources/cases (all operators, and PyTorch's refusals) on
#      the onednn backend (own kernels on their NEON path) and on the reference backend;
#   3. the own kernels' NEON path against their scalar path: KernelsTest (both paths against
#      the pure-Java reference, and NEON against scalar bit for bit), and the golden cases again
#      on the onednn backend with -Dconv4j.isa=scalar.
#
# It proves that the arm64 jars load, link and give PyTorch's numbers on an AArch64 JVM; it
# says nothing about speed (qemu translates every instruction), nor about real arm64 CPUs beyond
# what qemu emulates (its CPU model decides which of oneDNN's aarch64 code paths run).
#
# Needs: a linux-x86_64 host with Maven and a JDK 17, `mvn verify` done in this checkout and
# `mvn install` of the library and platform/ (as .ci/run does before; each done here if
# missing), and root with apt-get for what a fresh machine lacks (qemu-user-static, the cross
# compiler, and the arm64 JRE, which is unpacked under target/arm64 and not installed: only
# `dpkg --add-architecture arm64` touches the host's package setup). Took 4 to 8 minutes on
# 2 cores shared with other jobs; each step prints its time.
set -euo pipefail
cd "$(dirname "$0")/../../.."

VERSION=$(sed -n 's:^  <version>\(.*\)</version>.*:\1:p' pom.xml | head -n 1)
REPO=${MAVEN_REPO:-$HOME/.m2/repository}
JUNIT_CONSOLE_VERSION=1.11.4   # the JUnit platform of the pom's junit 5.11.4
OUT=target/arm64
ROOT=$OUT/root                 # the arm64 JRE and its libraries (qemu's -L prefix)
JRE_PACKAGES=(openjdk-17-jre-headless:arm64 libc6:arm64 libgcc-s1:arm64 libstdc++6:arm64 zlib1g:arm64)
mkdir -p "$OUT"

started=$SECONDS
step_start=$SECONDS
step() {
    echo
    echo "== arm64: $* (at $((SECONDS - started)) s)"
    step_start=$SECONDS
}
step_done() {
    echo "-- $((SECONDS - step_start)) s"
}

step "tools"
if ! command -v qemu-aarch64-static >/dev/null 2>&1; then
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends qemu-user-static
fi
if [[ ! -x $ROOT/usr/lib/jvm/java-17-openjdk-arm64/bin/java ]]; then
    if ! dpkg --print-foreign-architectures | grep -qx arm64; then
        dpkg --add-architecture arm64
    fi
    apt-get update -qq
    rm -rf "$ROOT" "$OUT/debs"
    mkdir -p "$ROOT" "$OUT/debs"
    (cd "$OUT/debs" && apt-get download -qq "${JRE_PACKAGES[@]}")
    for deb in "$OUT"/debs/*.deb; do
        dpkg -x "$deb" "$ROOT"
    done
fi
# C1 only and the serial collector: under emulation C2's compilations and GC threads cost more
# than they give back (about half the CPU time of the golden cases).
JAVA_ARM64=(qemu-aarch64-static -L "$PWD/$ROOT" "$PWD/$ROOT/usr/lib/jvm/java-17-openjdk-arm64/bin/java"
    -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xss8m -Dconv4j.poisonEmpty=true)
"${JAVA_ARM64[@]}" -version 2>&1 | head -n 2
step_done

step "cppbuild.sh linux-arm64"
bash cppbuild.sh linux-arm64
NATIVE_JAR=target/conv4j-$VERSION-linux-arm64.jar
LIB=dev/conv4j/kernels/linux-arm64/libjniNativeKernels.so
rm -rf "$OUT/lib" && mkdir -p "$OUT/lib" && (cd "$OUT/lib" && jar xf "$OLDPWD/$NATIVE_JAR" "$LIB")
readelf -h "$OUT/lib/$LIB" | grep 'Machine:'
if ! readelf -h "$OUT/lib/$LIB" | grep -q 'Machine: *AArch64'; then
    echo "arm64 check: $NATIVE_JAR does not hold an AArch64 libjniNativeKernels.so" >&2
    exit 1
fi
mvn -B -q install:install-file -Dfile="$NATIVE_JAR" -DpomFile=library.pom.xml -Dclassifier=linux-arm64
step_done

step "classpaths (Maven resolves the linux-arm64 natives)"
if [[ ! -f $REPO/dev/conv4j/conv4j-platform/$VERSION/conv4j-platform-$VERSION.pom ||
      ! -f $REPO/dev/conv4j/conv4j-tools/$VERSION/conv4j-tools-$VERSION.jar ]]; then
    mvn -B -q -DskipTests install
fi
if [[ ! -f target/test-classes/dev/conv4j/kernels/KernelsTest.class ]]; then
    mvn -B -q -f library.pom.xml -DskipTests test-compile
fi
mvn -B -q -f src/it/consumer/pom.xml -Djavacpp.platform=linux-arm64 compile dependency:build-classpath \
    -DincludeScope=runtime -Dmdep.outputFile="$PWD/$OUT/consumer-classpath.txt"
# The library's own dependencies, resolved for linux-arm64 from its pom (its platform-classified
# dnnl/javacpp/opencl jars), and the command line's (conv4j-tools) other libraries.
mvn -B -q -f library.pom.xml -Djavacpp.platform=linux-arm64 dependency:build-classpath \
    -DincludeScope=runtime -Dmdep.outputFile="$PWD/$OUT/runtime-classpath.txt"
mvn -B -q -f tools/pom.xml dependency:build-classpath -DincludeScope=runtime -DexcludeGroupIds=dev.conv4j,org.bytedeco \
    -Dmdep.outputFile="$PWD/$OUT/tools-classpath.txt"
mvn -B -q dependency:get -Dtransitive=false \
    -Dartifact="org.junit.platform:junit-platform-console-standalone:$JUNIT_CONSOLE_VERSION"
if grep -q 'linux-x86_64' "$OUT/runtime-classpath.txt"; then
    echo "arm64 check: the library's class path holds linux-x86_64 natives: $(cat "$OUT/runtime-classpath.txt")" >&2
    exit 1
fi
CONSUMER_CP="src/it/consumer/target/classes:$(cat "$OUT/consumer-classpath.txt")"
# This checkout's classes (the library's and the command line's, conv4j-tools) with the native jar
# just built (target/classes also holds it), ahead of the installed jars.
CP="target/classes:tools/target/classes:$NATIVE_JAR:$(cat "$OUT/runtime-classpath.txt"):$(cat "$OUT/tools-classpath.txt")"
TEST_CP="target/test-classes:$CP:$REPO/org/junit/platform/junit-platform-console-standalone/$JUNIT_CONSOLE_VERSION/junit-platform-console-standalone-$JUNIT_CONSOLE_VERSION.jar"
for jar in "conv4j-$VERSION-linux-arm64.jar" dnnl-3.8.1-1.5.12-linux-arm64.jar javacpp-1.5.12-linux-arm64.jar \
    opencl-3.0-1.5.12-linux-arm64.jar; do
    grep -q "$jar" "$OUT/consumer-classpath.txt" || { echo "arm64 check: $jar not on the consumer's class path" >&2; exit 1; }
done
step_done

step "conv4j info"
"${JAVA_ARM64[@]}" -cp "$CP" dev.conv4j.cli.Main info | tee "$OUT/info.txt"
grep -q '^own kernels: *neon$' "$OUT/info.txt" || { echo "arm64 check: the own kernels do not run NEON" >&2; exit 1; }
step_done

step "consumer check (conv4j-platform, -Djavacpp.platform=linux-arm64)"
"${JAVA_ARM64[@]}" -cp "$CONSUMER_CP" consumer.ConsumerCheck
step_done

step "golden cases, onednn backend (own kernels: neon)"
"${JAVA_ARM64[@]}" -cp "$CP" dev.conv4j.cli.Main check src/test/resources/cases --backend onednn -q
step_done

step "golden cases, reference backend"
"${JAVA_ARM64[@]}" -cp "$CP" dev.conv4j.cli.Main check src/test/resources/cases --backend reference -q
step_done

step "golden cases, onednn backend with the own kernels forced to scalar"
"${JAVA_ARM64[@]}" -Dconv4j.isa=scalar -cp "$CP" dev.conv4j.cli.Main info | grep '^own kernels: *scalar$'
"${JAVA_ARM64[@]}" -Dconv4j.isa=scalar -cp "$CP" dev.conv4j.cli.Main check src/test/resources/cases --backend onednn -q
step_done

step "KernelsTest: neon and scalar against the reference and against each other"
if ! "${JAVA_ARM64[@]}" -cp "$TEST_CP" org.junit.platform.console.ConsoleLauncher execute --disable-banner \
    --disable-ansi-colors --details=tree --fail-if-no-tests --select-class dev.conv4j.kernels.KernelsTest \
    >"$OUT/kernels-test.txt" 2>&1; then
    cat "$OUT/kernels-test.txt"
    echo "arm64 check: KernelsTest failed" >&2
    exit 1
fi
grep -E 'tests (found|successful|failed)' "$OUT/kernels-test.txt"
neon_runs=$(grep -c '\] neon' "$OUT/kernels-test.txt" || true)
echo "test runs on the neon path: $neon_runs"
if (( neon_runs < 10 )); then
    echo "arm64 check: KernelsTest did not run the neon path" >&2
    exit 1
fi
step_done

echo
echo "arm64 check passed in $((SECONDS - started)) s (under qemu: timings say nothing about arm64 speed)"
