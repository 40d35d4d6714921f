package dev.conv4j.cli;

import java.util.ArrayList;
import java.util.List;

import dev.conv4j.kernels.Kernels;
import dev.conv4j.onednn.OneDnnBackend;

/** The native lines of {@code conv4j info}: versions, ISA, threads and this machine's measured f32 peak. */
final class SystemInfo {
    private SystemInfo() {
    }

    static List<String> lines() {
        List<String> out = new ArrayList<>();
        OneDnnBackend backend;
        try {
            backend = OneDnnBackend.instance();
        } catch (RuntimeException e) {
            out.add("backend:      reference only (" + e.getMessage() + ")");
            return out;
        }
        OneDnnBackend.Info info = backend.info();
        out.add("backend:      onednn (default; reference selectable)");
        out.add("oneDNN:       " + info.onednnVersion() + ", " + info.threadingRuntime());
        out.add("oneDNN ISA:   " + info.cpuIsa());
        out.add("own kernels:  " + info.ownKernelsIsa());
        out.add("bf16:         " + backend.bf16Route());
        out.add("threads:      " + info.threads() + (info.threadsApplied() ? "" : " (not applied: OpenMP default)")
                + "  (set with -Dconv4j.threads=N)");
        double peak = Kernels.peakGflops(info.threads(), 0.3);
        out.add(String.format("f32 peak:     %.1f GFLOPS measured on %d thread(s) by conv4j's FMA kernel", peak,
                info.threads()));
        return out;
    }
}
