package dev.conv4j;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The versions conv4j was built with, as the build wrote them (from the reactor pom's
 * properties) into {@code dev/conv4j/versions.properties}: conv4j itself and the artifacts of
 * its native dependencies, e.g. {@code dnnl} {@code 3.8.1-1.5.12} (oneDNN 3.8.1 in JavaCPP
 * presets 1.5.12). The oneDNN version actually loaded is {@code conv4j info}'s.
 */
public final class Versions {
    private static final Properties BUILT = load();

    private Versions() {
    }

    /** conv4j's version, e.g. {@code 0.1.0-SNAPSHOT}. */
    public static String conv4j() {
        return get("conv4j");
    }

    /** The version of the {@code org.bytedeco:dnnl} artifacts, e.g. {@code 3.8.1-1.5.12}. */
    public static String dnnl() {
        return get("dnnl");
    }

    /** The version of the {@code org.bytedeco:javacpp} artifacts. */
    public static String javacpp() {
        return get("javacpp");
    }

    /** The version of the {@code org.bytedeco:opencl} artifacts. */
    public static String opencl() {
        return get("opencl");
    }

    /**
     * The jars that hold the native libraries of one platform (e.g. {@code linux-x86_64}), by
     * file name, for messages that tell a user what is missing from the class path.
     */
    public static String nativeJars(String platform) {
        return "conv4j-" + conv4j() + "-" + platform + ".jar and dnnl-" + dnnl() + "-" + platform
                + ".jar (with javacpp-" + javacpp() + "-" + platform + ".jar and opencl-" + opencl() + "-" + platform
                + ".jar)";
    }

    private static String get(String key) {
        String v = BUILT.getProperty(key);
        if (v == null || v.startsWith("${")) {
            throw new IllegalStateException("dev/conv4j/versions.properties has no built value for " + key);
        }
        return v;
    }

    private static Properties load() {
        Properties p = new Properties();
        try (InputStream in = Versions.class.getResourceAsStream("versions.properties")) {
            if (in == null) {
                throw new IllegalStateException("dev/conv4j/versions.properties is missing from conv4j's jar");
            }
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }
}
