package dev.conv4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The library's classes concatenate strings with StringBuilder, not invokedynamic (the build's
 * {@code -XDstringConcat=inline}): an indy site spins method handles on its first run, and the JIT
 * then compiles the JDK's bytecode generator while a service's first requests run.
 */
class BytecodeTest {
    @Test
    void noInvokedynamicStringConcatenation() throws IOException, URISyntaxException {
        Path classes = Path.of(Tensor.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        assertTrue(Files.isDirectory(classes), "the tests run on the compiled classes directory: " + classes);
        List<Path> files;
        try (Stream<Path> walk = Files.walk(classes)) {
            files = walk.filter(p -> p.toString().endsWith(".class")).toList();
        }
        assertTrue(files.size() > 50, "found only " + files.size() + " class files under " + classes);
        List<String> indy = files.stream().filter(BytecodeTest::concatenatesByIndy)
                .map(p -> classes.relativize(p).toString()).toList();
        assertEquals(List.of(), indy);
    }

    private static boolean concatenatesByIndy(Path classFile) {
        try {
            // the bootstrap method's name sits in the constant pool as plain UTF-8
            return new String(Files.readAllBytes(classFile), StandardCharsets.ISO_8859_1)
                    .contains("makeConcatWithConstants");
        } catch (IOException e) {
            throw new IllegalStateException(classFile.toString(), e);
        }
    }
}
