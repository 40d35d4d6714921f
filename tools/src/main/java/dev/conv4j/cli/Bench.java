package dev.conv4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import dev.conv4j.MemoryFormat;
import dev.conv4j.Precision;
import dev.conv4j.backend.Backend;
import dev.conv4j.backend.Backends;
import dev.conv4j.bench.BenchLayer;
import dev.conv4j.bench.BenchLayers;
import dev.conv4j.bench.BenchReport;
import dev.conv4j.bench.BenchRow;
import dev.conv4j.bench.BenchRunner;
import dev.conv4j.bench.Machine;
import dev.conv4j.bench.OneDnnBaseline;
import dev.conv4j.bench.ResultTable;
import dev.conv4j.bench.ServeBench;
import dev.conv4j.bench.Timing;
import dev.conv4j.kernels.Kernels;
import dev.conv4j.onednn.OneDnnBackend;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bin/conv4j bench}: times the standard layer set on oneDNN and on the reference backend. */
@Command(name = "bench", mixinStandardHelpOptions = true, versionProvider = Main.Version.class, description = {
    "Time the standard layer set (docs/bench-layers.md) at batch 1 and 16 on NCHW tensors and on channels-last "
            + "ones (unless --no-channels-last), f32 unless --precision says bf16 or int8, on oneDNN and on the "
            + "reference backend (batch 1 only, few runs: it is slow), and print median ms, GFLOPS, "
            + "speed-up, the overhead over the bare oneDNN primitive (onednn-direct) and %% of this machine's "
            + "measured f32 peak."})
final class Bench implements Callable<Integer> {
    /** Seconds spent measuring the machine's peak. */
    static final double PEAK_SECONDS = 0.5;

    @Option(names = "--layers", paramLabel = "LIST",
            description = "comma-separated layer names or parts of names (default: all)")
    String layers;

    @Option(names = "--batch", paramLabel = "LIST", split = ",", defaultValue = "1,16",
            description = "batch sizes (default: ${DEFAULT-VALUE})")
    List<Integer> batches;

    @Option(names = "--backend", paramLabel = "NAME", defaultValue = "both",
            description = "onednn, reference or both (default: ${DEFAULT-VALUE})")
    String backend;

    @Option(names = "--threads", paramLabel = "N", description = "threads per call (default: all processors)")
    Integer threads;

    @Option(names = "--reps", paramLabel = "N",
            description = "timed runs per row, for every backend (default: ~0.5 s of runs on oneDNN, 3 on the reference)")
    Integer reps;

    @Option(names = "--direct", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "also time each layer's bare oneDNN primitive (rows onednn-direct, column 'vs direct'; "
                    + "default: on; --no-direct skips it)")
    boolean direct;

    @Option(names = "--channels-last", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "also time the oneDNN backend on channels-last (NHWC / NDHWC) tensors (rows onednn-cl; "
                    + "default: on; --no-channels-last skips them)")
    boolean channelsLast;

    @Option(names = "--precision", paramLabel = "LIST", split = ",", defaultValue = "f32",
            description = "precisions to time on oneDNN: f32, bf16 and/or int8 (default: ${DEFAULT-VALUE}); "
                    + "bf16 rows are onednn-bf16 and onednn-cl-bf16, without bare-primitive rows; int8 times the "
                    + "Conv2d layers quantized against f32 in the same run, in a table of its own; pooling stays f32")
    List<String> precisions;

    @Option(names = "--json", paramLabel = "FILE", description = "also write the rows as JSON")
    Path json;

    @Option(names = "--html", paramLabel = "FILE", description = "also write an HTML report with a bar chart")
    Path html;

    @Option(names = "--serve", description = "time a service's load instead: C request threads share one module per "
            + "layer and send batch-1 requests into their own outputs; prints req/s, p50 and p99 per layer and C "
            + "(layers default: " + BenchLayers.SERVE_DEFAULT + ")")
    boolean serve;

    @Option(names = "--concurrency", paramLabel = "LIST", split = ",", defaultValue = "1,2,8,32",
            description = "with --serve: request threads (default: ${DEFAULT-VALUE})")
    List<Integer> concurrency;

    @Option(names = "--seconds", paramLabel = "S", defaultValue = "2",
            description = "with --serve: seconds per layer and concurrency (default: ${DEFAULT-VALUE})")
    double seconds;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (serve) {
            return serve(out);
        }
        List<BenchLayer> chosen = chosenLayers();
        checkOptions();
        if (precisions.stream().anyMatch(p -> p.strip().equalsIgnoreCase("int8"))) {
            int status = int8(out, chosen);
            if (chosenPrecisions.isEmpty() || status != 0) {
                return status;
            }
        }
        if (threads != null) {
            // Read by the oneDNN backend when it first loads; set on the live objects below too.
            System.setProperty(OneDnnBackend.THREADS_PROPERTY, String.valueOf(threads));
        }
        List<BenchRunner.Target> targets = targets();
        List<BenchRunner.Task> tasks = BenchRunner.plan(chosen, batches, targets);
        if (tasks.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "nothing to run: the reference backend runs at batch 1 only, but --batch is " + joined(batches));
        }
        Machine machine = machine(targets);
        List<Integer> ran = tasks.stream().map(BenchRunner.Task::batch).distinct().toList();
        out.println("conv4j bench: " + chosen.size() + " layer" + (chosen.size() == 1 ? "" : "s") + ", batch "
                + joined(ran) + ", " + String.join(" and ", targets.stream().map(BenchRunner.Target::name).toList())
                + "; float32 NCHW, random weights and inputs (seed " + BenchRunner.SEED + ")");
        machine.headerLines().forEach(out::println);
        if (chosenPrecisions.contains(Precision.BF16)) {
            out.println("bf16:    " + bf16Line(targets));
        }
        out.flush();

        int[] width = {0};
        BenchRunner.Result result = new BenchRunner().run(tasks, (i, n, task) -> {
            String line = BenchRunner.progressLine(i, n, task);
            err.print("\r" + line + " ".repeat(Math.max(0, width[0] - line.length())));
            err.flush();
            width[0] = Math.max(width[0], line.length());
        });
        err.print("\r" + " ".repeat(width[0]) + "\r");
        err.flush();

        List<BenchRow> rows = result.rows();
        List<String> notes = notes(targets);
        notes.addAll(bf16Ratios(rows));
        BenchReport report = new BenchReport(rows, machine, notes, result.othersCpu());
        out.println();
        out.print(report.tableText());
        out.flush();
        if (json != null) {
            Files.writeString(json, report.json(), StandardCharsets.UTF_8);
        }
        if (html != null) {
            Files.writeString(html, report.html(), StandardCharsets.UTF_8);
        }
        if (report.failures() > 0) {
            err.println("error: " + report.failures() + " of " + rows.size() + " runs failed (see the notes above)");
            err.flush();
            return 1;
        }
        return 0;
    }

    /** {@code --serve}: the serving load on the oneDNN backend (or the one --backend names). */
    private int serve(PrintWriter out) throws IOException {
        List<BenchLayer> chosen;
        try {
            chosen = BenchLayers.selectForServing(layers);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        checkOptions();
        for (int c : concurrency) {
            if (c < 1) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--concurrency values should be positive integers, but got " + c);
            }
        }
        if (!(seconds > 0)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--seconds should be positive, but got " + seconds);
        }
        String b = backend.toLowerCase(Locale.ROOT);
        Backend chosenBackend = b.equals("reference") ? Backends.reference() : Backends.onednn();
        if (threads != null) {
            System.setProperty(OneDnnBackend.THREADS_PROPERTY, String.valueOf(threads));
            if (chosenBackend instanceof OneDnnBackend o) {
                o.setThreads(threads);
            }
            Kernels.setThreads(threads);
        }
        out.println("conv4j bench --serve: " + chosen.size() + " layer" + (chosen.size() == 1 ? "" : "s")
                + ", batch-1 requests from " + joined(concurrency) + " threads sharing one module, "
                + seconds + " s each, backend " + chosenBackend.name() + "; float32 NCHW, forward(input, out)");
        if (chosenBackend instanceof OneDnnBackend o) {
            out.println("onednn: " + o.info() + "; " + Runtime.getRuntime().availableProcessors() + " processors");
        }
        out.println();
        out.flush();
        ServeBench bench = new ServeBench(chosenBackend, seconds);
        List<ServeBench.Row> rows = new ArrayList<>();
        try {
            for (BenchLayer layer : chosen) {
                List<ServeBench.Row> r = bench.run(layer, concurrency);
                if (rows.isEmpty()) {
                    out.print(ServeBench.table(r));
                } else {
                    String t = ServeBench.table(r);
                    out.print(t.substring(t.indexOf('\n', t.indexOf('\n') + 1) + 1)); // rows without the header
                }
                out.flush();
                rows.addAll(r);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
        if (json != null) {
            Files.writeString(json, ServeBench.json(rows), StandardCharsets.UTF_8);
        }
        return 0;
    }

    /** The int8 rows: a separate code path (Int8Bench), printed before any f32 table. */
    private int int8(PrintWriter out, List<BenchLayer> chosen) {
        List<BenchLayer> convs = dev.conv4j.bench.Int8Bench.layers(chosen);
        if (convs.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--precision int8 times Conv2d layers, but "
                    + "--layers names none");
        }
        Backend onednn = Backends.onednn();
        if (threads != null && onednn instanceof OneDnnBackend o) {
            o.setThreads(threads);
        }
        out.println("conv4j bench --precision int8: " + convs.size() + " Conv2d layer" + (convs.size() == 1 ? "" : "s")
                + ", batch " + joined(batches) + ", quantized vs float32 on oneDNN"
                + (onednn instanceof OneDnnBackend o ? " (" + o.info() + ")" : ""));
        out.flush();
        List<dev.conv4j.bench.Int8Bench.Row> rows = new dev.conv4j.bench.Int8Bench(onednn,
                plan(BenchRunner.ONEDNN_PLAN)).run(convs, batches);
        out.println();
        out.print(dev.conv4j.bench.Int8Bench.table(rows));
        out.flush();
        return 0;
    }

    private List<BenchLayer> chosenLayers() {
        try {
            return BenchLayers.select(layers);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private void checkOptions() {
        for (int b : batches) {
            if (b < 1) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--batch sizes should be positive integers, but got " + b);
            }
        }
        if (threads != null && threads < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--threads should be a positive integer, but got " + threads);
        }
        if (reps != null && reps < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--reps should be a positive integer, but got " + reps);
        }
        if (!List.of("onednn", "reference", "both").contains(backend.toLowerCase(Locale.ROOT))) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--backend should be onednn, reference or both, but got '" + backend + "'");
        }
        for (Path file : new Path[] {json, html}) {
            Path dir = file == null ? null : file.toAbsolutePath().getParent();
            if (dir != null && !Files.isDirectory(dir)) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "cannot write " + file + ": no such directory " + dir);
            }
        }
        batches = batches.stream().distinct().toList();
        for (String p : precisions) {
            if (!List.of("f32", "bf16", "int8").contains(p.strip().toLowerCase(Locale.ROOT))) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--precision should list f32, bf16 and/or int8, but got '" + p + "'");
            }
        }
        try {
            chosenPrecisions = precisions.stream().filter(p -> !p.strip().equalsIgnoreCase("int8"))
                    .map(Precision::parse).distinct().toList();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--" + e.getMessage());
        }
        if (chosenPrecisions.contains(Precision.BF16) && backend.equalsIgnoreCase("reference")) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--precision bf16 times the oneDNN backend: use --backend onednn or both");
        }
    }

    /** The precisions of {@code --precision}, in the order given. */
    private List<Precision> chosenPrecisions = List.of(Precision.F32);

    /** The suffix of the rows at {@code p}: none for f32, {@code -bf16}. */
    static String suffix(Precision p) {
        return p == Precision.F32 ? "" : "-" + p.label();
    }

    /** What bf16 rows compute on this CPU, from the oneDNN backend. */
    private static String bf16Line(List<BenchRunner.Target> targets) {
        for (BenchRunner.Target t : targets) {
            if (t.backend() instanceof OneDnnBackend o) {
                return o.bf16Route();
            }
        }
        return "not timed";
    }

    /**
     * One note per layer and batch with both an f32 and a bf16 row on the same layout: the bf16
     * speed-up {@code f32 ms / bf16 ms}, e.g. {@code res3 3x3 128-128 28 b16: onednn 1.95x, onednn-cl 2.01x}.
     */
    static List<String> bf16Ratios(List<BenchRow> rows) {
        List<String> notes = new ArrayList<>();
        java.util.Map<String, List<String>> byLayer = new java.util.LinkedHashMap<>();
        for (BenchRow r : rows) {
            if (!r.ok() || !r.backend().endsWith(suffix(Precision.BF16))) {
                continue;
            }
            String f32Name = r.backend().substring(0, r.backend().length() - suffix(Precision.BF16).length());
            rows.stream().filter(o -> o.ok() && o.backend().equals(f32Name) && o.layer().equals(r.layer())
                    && o.batch() == r.batch()).findFirst().ifPresent(o -> byLayer
                            .computeIfAbsent(r.layer() + " b" + r.batch(), k -> new ArrayList<>())
                            .add(String.format(Locale.ROOT, "%s %.2fx", f32Name, o.ms() / r.ms())));
        }
        if (!byLayer.isEmpty()) {
            notes.add("* bf16 speed-up (f32 ms / bf16 ms, same layout, same run):");
            byLayer.forEach((k, v) -> notes.add("    " + k + ": " + String.join(", ", v)));
        }
        return notes;
    }

    /** The backends to time, oneDNN first; loading oneDNN fails with a one-line reason. */
    private List<BenchRunner.Target> targets() {
        String b = backend.toLowerCase(Locale.ROOT);
        List<BenchRunner.Target> t = new ArrayList<>();
        if (!b.equals("reference")) {
            Backend onednn = Backends.onednn();
            if (threads != null && onednn instanceof OneDnnBackend o) {
                o.setThreads(threads);
            }
            for (Precision p : chosenPrecisions) {
                // the bare primitive is an f32 one: bf16 rows have no baseline
                boolean withDirect = direct && p == Precision.F32;
                t.add(new BenchRunner.Target("onednn" + suffix(p), onednn, plan(BenchRunner.ONEDNN_PLAN), false,
                        withDirect ? new OneDnnBaseline() : null, MemoryFormat.CONTIGUOUS, p));
                if (channelsLast) {
                    t.add(new BenchRunner.Target(ResultTable.CHANNELS_LAST + suffix(p), onednn,
                            plan(BenchRunner.ONEDNN_PLAN), false,
                            withDirect ? new OneDnnBaseline(ResultTable.CHANNELS_LAST) : null, MemoryFormat.CHANNELS_LAST,
                            p));
                }
            }
        }
        if (!b.equals("onednn")) {
            t.add(new BenchRunner.Target("reference", Backends.reference(), plan(BenchRunner.REFERENCE_PLAN), true));
        }
        return t;
    }

    private Timing.Plan plan(Timing.Plan p) {
        return reps == null ? p : p.withReps(reps);
    }

    /** Threads, ISA and the measured peak; what cannot be measured is reported, not fatal. */
    private Machine machine(List<BenchRunner.Target> targets) {
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        if (threads != null) {
            Kernels.setThreads(threads);
        }
        String onednnInfo = null;
        int n = Kernels.threads();
        for (BenchRunner.Target t : targets) {
            if (t.backend() instanceof OneDnnBackend o) {
                onednnInfo = o.info().toString();
                n = o.threads();
            }
        }
        String isa;
        double peak;
        String note;
        try {
            isa = Kernels.isa();
            peak = Kernels.peakGflops(n, PEAK_SECONDS);
            note = String.format(Locale.ROOT, "Kernels.peakGflops, %d thread%s, %.1f s", n, n == 1 ? "" : "s",
                    PEAK_SECONDS);
        } catch (RuntimeException | LinkageError e) {
            isa = "unknown";
            peak = Double.NaN;
            note = Main.oneLine(e);
        }
        return new Machine(Runtime.getRuntime().availableProcessors(), n, isa, peak, note, onednnInfo,
                load < 0 ? Double.NaN : load);
    }

    /** The footnotes: how each backend was run and what the columns mean. */
    private List<String> notes(List<BenchRunner.Target> targets) {
        List<String> n = new ArrayList<>();
        for (BenchRunner.Target t : targets) {
            n.add("* " + t.name() + ": " + (t.batchOneOnly() ? "batch 1 only (naive loops, very slow), " : "")
                    + t.plan().describe() + " per row; the median is shown"
                    + (t.batchOneOnly() && reps == null ? " (of " + t.plan().reps() + " runs: a rough figure)" : "")
                    + ".");
        }
        n.add("* Times are of Module.forward, output allocation included. GFLOPS = FLOPs / median time (convolutions "
                + "only); speed-up = reference ms / onednn ms at the same batch; % peak = GFLOPS / measured f32 peak.");
        if (targets.stream().anyMatch(t -> t.baseline() != null)) {
            n.add("* " + OneDnnBaseline.NAME + ": the same oneDNN primitive as the onednn row, executed bare "
                    + "(prebuilt memory objects and stream: dnnl_primitive_execute + dnnl_stream_wait only), timed in "
                    + "alternating blocks with the module and as often; vs direct = onednn ms / " + OneDnnBaseline.NAME
                    + " ms - 1, conv4j's overhead per call. Max pooling runs on own kernels: no such row.");
        }
        for (BenchRunner.Target t : targets) {
            if (t.precision() != Precision.F32) {
                n.add("* " + t.name() + ": convolutions built with precision(Precision." + t.precision() + "): "
                        + bf16Line(targets) + "; JSON field precision = what each row computed at.");
            }
        }
        for (BenchRunner.Target t : targets) {
            if (t.format() == MemoryFormat.CHANNELS_LAST && t.precision() == Precision.F32) {
                n.add("* " + t.name() + ": the onednn backend on channels-last (NHWC / NDHWC) input and output "
                        + "tensors, the layout oneDNN's convolutions prefer"
                        + (t.baseline() == null ? "." : "; " + t.baseline().name() + " is its bare primitive on the same "
                        + "layout."));
            }
        }
        n.add("* other load = share of the machine's CPU time that other processes used while the row ran (shown from "
                + Math.round(100 * ResultTable.SHOWN_LOAD) + "%).");
        return n;
    }

    private static String joined(List<Integer> values) {
        return String.join(",", values.stream().map(String::valueOf).toList());
    }
}
