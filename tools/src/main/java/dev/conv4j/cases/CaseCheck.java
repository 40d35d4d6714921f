package dev.conv4j.cases;

import java.io.IOException;
import java.nio.file.Path;

import dev.conv4j.MemoryFormat;
import dev.conv4j.Precision;
import dev.conv4j.Tensor;
import dev.conv4j.backend.Backend;

/** Runs one case and compares it with its expected outputs or refusal. */
public final class CaseCheck {
    private CaseCheck() {
    }

    /** Null when the case passes, else a one-paragraph report of what differs. */
    public static String check(Case c, Backend backend) throws CaseFormatException {
        return check(c, backend, MemoryFormat.CONTIGUOUS);
    }

    /**
     * As {@link #check(Case, Backend)}, with the case's activations (input and indices) of rank 4
     * and 5 given in {@code inputFormat}.
     */
    public static String check(Case c, Backend backend, MemoryFormat inputFormat) throws CaseFormatException {
        return check(c, backend, inputFormat, Precision.F32);
    }

    /**
     * As {@link #check(Case, Backend, MemoryFormat)} with convolutions at {@code precision}: their
     * outputs are compared with PyTorch's float32 ones within {@link Tolerance}'s bound for that
     * precision; other ops as at float32.
     */
    public static String check(Case c, Backend backend, MemoryFormat inputFormat, Precision precision)
            throws CaseFormatException {
        String expectedMessage = c.expectedMessage();
        CaseRunner.Result result;
        try {
            result = CaseRunner.run(c, backend, inputFormat, precision);
        } catch (IllegalArgumentException e) {
            if (expectedMessage == null) {
                return c.name() + ": refused with \"" + e.getMessage() + "\", but PyTorch accepts the call";
            }
            return sameMessage(expectedMessage, e.getMessage()) ? null
                    : c.name() + ": refused with\n    \"" + e.getMessage() + "\"\n  but PyTorch says\n    \""
                            + expectedMessage + "\"";
        }
        try (result) {
            if (expectedMessage != null) {
                return c.name() + ": accepted, but PyTorch refuses with \"" + c.expectError() + "\"";
            }
            if (!c.outputs().containsKey("output")) {
                throw new CaseFormatException(c.name() + ": neither 'outputs.output' nor 'expect_error'");
            }
            boolean exact = Tolerance.exact(c.op());
            if (c.quantized()) {
                return compareQuantized(c, result.output(), exact);
            }
            String report = precision == Precision.F32 ? compareFile(c, "output", result.output(), exact)
                    : compareWithinBound(c, result.output(), precision);
            if (report == null && c.outputs().containsKey("indices")) {
                if (result.indices() == null) {
                    return c.name() + ": PyTorch returns indices, but the call returned none";
                }
                report = compareFile(c, "indices", result.indices(), true);
            }
            return report;
        }
    }

    /** The output against PyTorch's within the precision's bound (non-convolutions: as at float32). */
    private static String compareWithinBound(Case c, Tensor got, Precision precision) throws CaseFormatException {
        try (Tensor scale = CaseRunner.boundScale(c)) {
            if (scale == null) {
                return compareFile(c, "output", got, Tolerance.exact(c.op()));
            }
            try (Tensor expected = Tensor.readNpy(c.outputs().get("output"))) {
                return Tolerance.compare(c.name(), "output", got, expected, scale, precision.relativeBound());
            } catch (IOException e) {
                throw new CaseFormatException(c.name() + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * Whether a refusal carries PyTorch's message: equal, or, where one side is PyTorch's message
     * of several lines (TorchScript's argument errors, the dispatcher's list of kernels) and the
     * other its first line only, equal first lines.
     */
    static boolean sameMessage(String expected, String got) {
        if (got == null) {
            return false;
        }
        if (expected.equals(got)) {
            return true;
        }
        boolean expectedOneLine = !expected.contains("\n");
        boolean gotOneLine = !got.contains("\n");
        return expectedOneLine != gotOneLine && firstLine(expected).equals(firstLine(got));
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static String compareQuantized(Case c, Tensor got, boolean exact) throws CaseFormatException {
        Path p = c.outputs().get("output");
        try (Tensor expected = Tensor.readNpy(p)) {
            return Tolerance.compareQuantized(c.name(), got, expected, exact);
        } catch (IOException e) {
            throw new CaseFormatException(c.name() + ": " + (e instanceof java.nio.file.NoSuchFileException
                    ? p.getFileName() + ": no such file" : e.getMessage()), e);
        }
    }

    private static String compareFile(Case c, String what, Tensor got, boolean exact) throws CaseFormatException {
        Path p = c.outputs().get(what);
        try (Tensor expected = Tensor.readNpy(p)) {
            return Tolerance.compare(c.name(), what, got, expected, exact);
        } catch (IOException e) {
            throw new CaseFormatException(c.name() + ": " + (e instanceof java.nio.file.NoSuchFileException
                    ? p.getFileName() + ": no such file" : e.getMessage()), e);
        }
    }
}
