package dev.conv4j;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The reactor's {@code pom.xml}, read as text by tests that check a value the build derives
 * from it (the versions), so that the expected value never comes from the code under test.
 * Tests run from the repository's top directory.
 */
public final class PomFile {
    private PomFile() {
    }

    /** The text of the first {@code <tag>} element of pom.xml, e.g. {@code version}. */
    public static String first(String tag) {
        try {
            String pom = Files.readString(Path.of("pom.xml"));
            Matcher m = Pattern.compile("<" + Pattern.quote(tag) + ">([^<]+)</" + Pattern.quote(tag) + ">").matcher(pom);
            if (!m.find()) {
                throw new AssertionError("pom.xml has no <" + tag + ">");
            }
            return m.group(1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
