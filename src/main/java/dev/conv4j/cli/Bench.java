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
import dev.conv4j.bench.Timing;
import dev.conv4j.kernels.Kernels;
import dev.conv4j.onednn.OneDnnBackend;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bin/conv4j bench}: times the standard layer set on oneDNN and on the reference backend. */
@Command(name = "bench", mixinStandardHelpOptions = true, version = "conv4j 0.1.0", description = {
    "Time the standard layer set (bench-layers.md) at batch 1 and 16, float32 NCHW, on oneDNN and on the "
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
            description = "f32 and/or int8 (default: ${DEFAULT-VALUE}); int8 times the Conv2d layers quantized "
                    + "against f32 in the same run (Int8Bench)")
    List<String> precisions;

    @Option(names = "--json", paramLabel = "FILE", description = "also write the rows as JSON")
    Path json;

    @Option(names = "--html", paramLabel = "FILE", description = "also write an HTML report with a bar chart")
    Path html;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<BenchLayer> chosen = chosenLayers();
        checkOptions();
        if (precisions.contains("int8")) {
            int status = int8(out, chosen);
            if (!precisions.contains("f32") || status != 0) {
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
        BenchReport report = new BenchReport(rows, machine, notes(targets), result.othersCpu());
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
            if (!List.of("f32", "int8").contains(p)) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--precision should list f32 and/or int8, but got '" + p + "'");
            }
        }
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
            t.add(new BenchRunner.Target("onednn", onednn, plan(BenchRunner.ONEDNN_PLAN), false,
                    direct ? new OneDnnBaseline() : null));
            if (channelsLast) {
                t.add(new BenchRunner.Target(ResultTable.CHANNELS_LAST, onednn, plan(BenchRunner.ONEDNN_PLAN), false,
                        direct ? new OneDnnBaseline(ResultTable.CHANNELS_LAST) : null, MemoryFormat.CHANNELS_LAST));
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
            if (t.format() == MemoryFormat.CHANNELS_LAST) {
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
