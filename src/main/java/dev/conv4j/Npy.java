package dev.conv4j;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and writes NumPy {@code .npy} files: format 1.0 and 2.0, little-endian {@code <f4} and
 * {@code <i8}, {@code <f8}, and the byte types {@code |u1} and {@code |i1} (also spelled {@code <u1}/{@code <i1}
 * or {@code u1}/{@code i1}), C order. Anything else is refused with an {@link IOException} that says why.
 */
final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {
    }

    static Tensor read(Path file) throws IOException {
        byte[] all;
        try (InputStream in = Files.newInputStream(file)) {
            all = in.readAllBytes();
        }
        return read(all, file.getFileName().toString());
    }

    /** Parses the bytes of a whole {@code .npy} file; {@code name} prefixes every error message. */
    static Tensor read(byte[] all, String name) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        if (all.length < 10) {
            throw new IOException(name + ": not a .npy file (too short)");
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (all[i] != MAGIC[i]) {
                throw new IOException(name + ": not a .npy file (bad magic)");
            }
        }
        int major = all[6] & 0xff;
        int headerLen;
        int headerStart;
        if (major == 1) {
            headerLen = buf.getShort(8) & 0xffff;
            headerStart = 10;
        } else if (major == 2) {
            if (all.length < 12) {
                throw new IOException(name + ": truncated .npy header");
            }
            headerLen = buf.getInt(8);
            headerStart = 12;
        } else {
            throw new IOException(name + ": unsupported .npy format version " + major + "." + (all[7] & 0xff)
                    + " (expected 1.0 or 2.0)");
        }
        if (headerLen < 0 || headerStart + (long) headerLen > all.length) {
            throw new IOException(name + ": truncated .npy header");
        }
        String header = new String(all, headerStart, headerLen, StandardCharsets.ISO_8859_1);
        String descr = group(DESCR, header, name, "descr");
        DType dtype;
        if (descr.equals(DType.FLOAT32.npyDescr())) {
            dtype = DType.FLOAT32;
        } else if (descr.equals(DType.INT64.npyDescr())) {
            dtype = DType.INT64;
        } else if (descr.equals(DType.FLOAT64.npyDescr())) {
            dtype = DType.FLOAT64;
        } else if (descr.matches("[|<]?u1")) {
            dtype = DType.UINT8;
        } else if (descr.matches("[|<]?i1")) {
            dtype = DType.INT8;
        } else {
            throw new IOException(name + ": unsupported dtype '" + descr
                    + "' (expected little-endian float32 '<f4', float64 '<f8', int64 '<i8', uint8 '|u1' or int8 '|i1')");
        }
        if (group(FORTRAN, header, name, "fortran_order").equals("True")) {
            throw new IOException(name + ": Fortran-ordered arrays are not supported (expected C order)");
        }
        long[] shape = parseShape(group(SHAPE, header, name, "shape"), name);
        int dataStart = headerStart + headerLen;
        long numel;
        try {
            numel = Tensor.checkedNumel(dtype, shape);
        } catch (IllegalArgumentException e) {
            throw new IOException(name + ": " + e.getMessage(), e);
        }
        long expectedBytes = numel * dtype.byteSize();
        if (all.length - dataStart != expectedBytes) {
            throw new IOException(name + ": expected " + expectedBytes + " data bytes for shape "
                    + java.util.Arrays.toString(shape) + ", but the file has " + (all.length - dataStart)
                    + (all.length - dataStart < expectedBytes ? " (truncated)" : ""));
        }
        Tensor t = Tensor.zeros(dtype, shape);
        ByteBuffer data = ByteBuffer.wrap(all, dataStart, (int) expectedBytes).order(ByteOrder.LITTLE_ENDIAN);
        if (dtype == DType.FLOAT32) {
            t.floatBuffer().put(data.asFloatBuffer());
        } else if (dtype == DType.INT64) {
            t.longBuffer().put(data.asLongBuffer());
        } else {
            t.storageBytes().order(ByteOrder.LITTLE_ENDIAN).put(data); // bytes, or float64 on a little-endian CPU
        }
        return t;
    }

    private static String group(Pattern p, String header, String name, String key) throws IOException {
        Matcher m = p.matcher(header);
        if (!m.find()) {
            throw new IOException(name + ": .npy header has no valid '" + key + "' entry");
        }
        return m.group(1);
    }

    private static long[] parseShape(String text, String name) throws IOException {
        List<Long> dims = new ArrayList<>();
        for (String part : text.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            try {
                dims.add(Long.parseLong(p.endsWith("L") ? p.substring(0, p.length() - 1) : p));
            } catch (NumberFormatException e) {
                throw new IOException(name + ": bad shape (" + text + ") in .npy header");
            }
        }
        if (dims.isEmpty() || dims.size() > Tensor.MAX_RANK) {
            throw new IOException(name + ": arrays of rank " + dims.size() + " are not supported (expected 1 to "
                    + Tensor.MAX_RANK + ")");
        }
        return dims.stream().mapToLong(Long::longValue).toArray();
    }

    static void write(Tensor t, Path file) throws IOException {
        if (t.memoryFormat() != MemoryFormat.CONTIGUOUS) {
            try (Tensor c = t.contiguous()) { // .npy holds C order
                write(c, file);
            }
            return;
        }
        long[] shape = t.shape();
        StringBuilder dims = new StringBuilder();
        for (long d : shape) {
            dims.append(d).append(", ");
        }
        if (shape.length > 1) {
            dims.setLength(dims.length() - 1);
        }
        String dict = "{'descr': '" + t.dtype().npyDescr() + "', 'fortran_order': False, 'shape': ("
                + dims.toString().trim() + "), }";
        // Pad with spaces so that the data starts on a 64-byte boundary, ending in a newline.
        int unpadded = 10 + dict.length() + 1;
        int padding = (64 - unpadded % 64) % 64;
        String header = dict + " ".repeat(padding) + "\n";
        ByteBuffer data = ByteBuffer.allocate(Math.toIntExact(t.numel() * t.dtype().byteSize()))
                .order(ByteOrder.LITTLE_ENDIAN);
        if (t.dtype() == DType.FLOAT32) {
            data.asFloatBuffer().put(t.floatBuffer());
        } else if (t.dtype() == DType.INT64) {
            data.asLongBuffer().put(t.longBuffer());
        } else {
            data.put(t.storageBytes());
        }
        ByteBuffer head = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN);
        head.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length());
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(head.array());
            out.write(header.getBytes(StandardCharsets.ISO_8859_1));
            out.write(data.array());
        }
    }
}
