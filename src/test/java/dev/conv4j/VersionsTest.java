package dev.conv4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** The versions the build wrote are the reactor pom's, read here from pom.xml itself. */
class VersionsTest {
    private static String property(String pom, String tag) {
        Matcher m = Pattern.compile("<" + Pattern.quote(tag) + ">([^<]+)</" + Pattern.quote(tag) + ">").matcher(pom);
        assertTrue(m.find(), tag + " in pom.xml");
        return m.group(1);
    }

    @Test
    void versionsAreThoseOfThePom() throws IOException {
        String pom = Files.readString(Path.of("pom.xml"));
        String javacpp = property(pom, "javacpp.version");
        assertEquals(property(pom, "version"), Versions.conv4j());
        assertEquals(javacpp, Versions.javacpp());
        assertEquals(property(pom, "dnnl.version").replace("${javacpp.version}", javacpp), Versions.dnnl());
        assertEquals(property(pom, "opencl.version").replace("${javacpp.version}", javacpp), Versions.opencl());
        assertTrue(Versions.dnnl().matches("\\d+\\.\\d+(\\.\\d+)?-\\d+\\.\\d+\\.\\d+"), Versions.dnnl());
    }
}
