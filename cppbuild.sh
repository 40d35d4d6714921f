#!/usr/bin/env bash
# Builds conv4j's native kernels (native/) for one platform:
#
#   ./cppbuild.sh [platform]     platform: linux-x86_64 linux-arm64 macosx-x86_64 macosx-arm64
#                                          windows-x86_64 (default: this host's)
#
# The build is defined once, by the @Platform annotation of
# src/main/java/dev/conv4j/kernels/NativeKernels.java: the JavaCPP Builder generates that class's
# JNI code and compiles it together with native/ into
#   target/classes/dev/conv4j/kernels/<platform>/libjniNativeKernels.{so,dylib,dll}
# which is where `mvn verify` (the javacpp plugin's build goal, same class, same Builder) puts it
# too, and where JavaCPP's Loader finds it at run time and in the jar; then packs it into the
# native jar target/conv4j-VERSION-<platform>.jar (what Maven's platform-jar execution makes for
# linux-x86_64).
#
# A platform is built on a host of that platform with its JavaCPP compiler: g++ (C++17) on
# Linux, clang++ (Xcode command line tools) on macOS, MSVC cl.exe on Windows. linux-arm64 is
# also cross-built on a linux-x86_64 host with Debian's aarch64-linux-gnu-g++ (installed with
# apt-get when missing and this runs as root), the JNI headers of the host's JDK and the same
# JavaCPP properties (linux-arm64: -O3, no -march: NEON is baseline on AArch64). Other
# platforms are refused with what they would need (exit 2); an unknown platform exits 1.
set -e

cd "$(dirname "$0")"

# Versions: JavaCPP comes from the pom, so that Maven and this script use the same one.
JAVACPP_VERSION=$(sed -n 's:.*<javacpp.version>\(.*\)</javacpp.version>.*:\1:p' pom.xml | head -n 1)
MIN_GCC_VERSION=9         # C++17, target attributes, AVX-512 intrinsics
CROSS_ARM64=aarch64-linux-gnu-g++
BINDING=dev.conv4j.kernels.NativeKernels
BINDING_SOURCE=src/main/java/dev/conv4j/kernels/NativeKernels.java
CLASSES=target/classes
VERSION=$(sed -n 's:^  <version>\(.*\)</version>.*:\1:p' pom.xml | head -n 1)

if [[ -z "$JAVACPP_VERSION" || -z "$VERSION" ]]; then
    echo "cppbuild.sh: cannot read <version> and <javacpp.version> from pom.xml" >&2
    exit 1
fi

case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) HOST=linux-x86_64 ;;
    Linux-aarch64 | Linux-arm64) HOST=linux-arm64 ;;
    Darwin-x86_64) HOST=macosx-x86_64 ;;
    Darwin-arm64) HOST=macosx-arm64 ;;
    MINGW*-x86_64 | MSYS*-x86_64 | CYGWIN*-x86_64) HOST=windows-x86_64 ;;
    *) HOST="unknown ($(uname -s)-$(uname -m))" ;;
esac
PLATFORM=${1:-$HOST}

# Explains what building $PLATFORM needs, when this host is not one, and stops.
cannot_build() {
    echo "cppbuild.sh: cannot build $PLATFORM on this host ($HOST)." >&2
    echo "  It needs: $1" >&2
    echo "  Then run ./cppbuild.sh $PLATFORM (or mvn -Djavacpp.platform=$PLATFORM verify) there." >&2
    exit 2
}

# Checks that the g++ named by $1 is new enough.
require_gcc() {
    local major
    major=$("$1" -dumpversion | cut -d. -f1)
    if (( major < MIN_GCC_VERSION )); then
        echo "cppbuild.sh: $1 $major is too old, $MIN_GCC_VERSION or newer is needed" >&2
        exit 1
    fi
}

# Runs the JavaCPP Builder on the binding class for $PLATFORM (extra arguments go to the
# Builder, e.g. -Dplatform.compiler=...), then packs the library into the native jar.
javacpp_build() {
    local repo=${MAVEN_REPO:-$HOME/.m2/repository}
    local jar="$repo/org/bytedeco/javacpp/$JAVACPP_VERSION/javacpp-$JAVACPP_VERSION.jar"
    if [[ ! -f "$jar" ]]; then
        echo "Fetching org.bytedeco:javacpp:$JAVACPP_VERSION with Maven"
        mvn -q -B dependency:get -Dartifact="org.bytedeco:javacpp:$JAVACPP_VERSION" -Dtransitive=false
    fi
    mkdir -p "$CLASSES"
    javac -Xlint:all -Werror --release 17 -cp "$jar" -d "$CLASSES" "$BINDING_SOURCE"
    java -jar "$jar" -cp "$CLASSES" -properties "$PLATFORM" -Dplatform.includepath="$PWD/native" "$@" "$BINDING"
    echo "Built: $(ls "$CLASSES"/dev/conv4j/kernels/"$PLATFORM"/*jniNativeKernels*)"
    local native_jar="target/conv4j-$VERSION-$PLATFORM.jar"
    rm -f "$native_jar"
    jar --create --file "$native_jar" -C "$CLASSES" "dev/conv4j/kernels/$PLATFORM"
    echo "Packed: $native_jar"
}

case $PLATFORM in
    linux-x86_64)
        if [[ "$HOST" != linux-x86_64 ]]; then
            cannot_build "a linux-x86_64 host with g++ >= $MIN_GCC_VERSION and a JDK 17 (the one library carries the AVX-512, AVX2 and scalar paths and picks one at run time)"
        fi
        require_gcc g++
        javacpp_build
        ;;
    linux-arm64)
        # The library carries the NEON and scalar paths and picks NEON at run time.
        if [[ "$HOST" == linux-arm64 ]]; then
            require_gcc g++
            javacpp_build
        elif [[ "$HOST" == linux-x86_64 ]]; then
            if ! command -v "$CROSS_ARM64" >/dev/null 2>&1; then
                if [[ "$(id -u)" != 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
                    cannot_build "the cross compiler $CROSS_ARM64 (Debian/Ubuntu: apt-get install g++-aarch64-linux-gnu) and a JDK 17, or a linux-arm64 host with g++ >= $MIN_GCC_VERSION"
                fi
                echo "Installing g++-aarch64-linux-gnu with apt-get"
                apt-get update -qq
                apt-get install -y -qq --no-install-recommends g++-aarch64-linux-gnu
            fi
            require_gcc "$CROSS_ARM64"
            # JNI's headers are the same for every Linux JDK: the host JDK's serve.
            javacpp_build -Dplatform.compiler="$CROSS_ARM64"
        else
            cannot_build "a linux-arm64 host with g++ >= $MIN_GCC_VERSION and a JDK 17, or a linux-x86_64 host with $CROSS_ARM64 (NEON and scalar paths)"
        fi
        ;;
    macosx-x86_64)
        if [[ "$HOST" != macosx-x86_64 ]]; then
            cannot_build "an x86_64 macOS host with Xcode's clang++ and a JDK 17 (same AVX-512/AVX2/scalar dispatch as Linux; not compiled or run on macOS so far)"
        fi
        javacpp_build
        ;;
    macosx-arm64)
        if [[ "$HOST" != macosx-arm64 ]]; then
            cannot_build "an Apple silicon macOS host with Xcode's clang++ and a JDK 17 (the NEON and scalar paths of linux-arm64; not compiled or run on macOS so far, and dnnl 3.8.1-1.5.12 ships no macosx-arm64 natives, so the oneDNN backend cannot load there)"
        fi
        javacpp_build
        ;;
    windows-x86_64)
        if [[ "$HOST" != windows-x86_64 ]]; then
            cannot_build "a Windows x86_64 host with MSVC (cl.exe from a Visual Studio 2019+ developer prompt), Git Bash and a JDK 17 (MSVC builds the portable scalar path only: the AVX paths use GCC/Clang target attributes; not compiled or run on Windows so far)"
        fi
        javacpp_build
        ;;
    *)
        echo "cppbuild.sh: unknown platform '$PLATFORM'" >&2
        echo "  Known: linux-x86_64 linux-arm64 macosx-x86_64 macosx-arm64 windows-x86_64" >&2
        exit 1
        ;;
esac
