package dev.conv4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The versions the build wrote are the reactor pom's, read here from pom.xml itself. */
class VersionsTest {
    @Test
    void versionsAreThoseOfThePom() {
        String javacpp = PomFile.first("javacpp.version");
        assertEquals(PomFile.first("version"), Versions.conv4j());
        assertEquals(javacpp, Versions.javacpp());
        assertEquals(PomFile.first("dnnl.version").replace("${javacpp.version}", javacpp), Versions.dnnl());
        assertEquals(PomFile.first("opencl.version").replace("${javacpp.version}", javacpp), Versions.opencl());
        assertTrue(Versions.dnnl().matches("\\d+\\.\\d+(\\.\\d+)?-\\d+\\.\\d+\\.\\d+"), Versions.dnnl());
    }
}
