package dev.conv4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import dev.conv4j.MemoryFormat;
import dev.conv4j.Precision;
import dev.conv4j.Tensor;
import dev.conv4j.Versions;
import dev.conv4j.backend.Backend;
import dev.conv4j.backend.Backends;
import dev.conv4j.cases.Case;
import dev.conv4j.cases.CaseCheck;
import dev.conv4j.cases.CaseFormatException;
import dev.conv4j.cases.CaseRunner;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bin/conv4j}: run and check PyTorch cases, print system info, benchmark. */
@Command(name = "conv4j", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "PyTorch's convolution and pooling operators on the JVM.",
        subcommands = {Main.Run.class, Main.Check.class, Main.Info.class, Bench.class})
public final class Main implements Callable<Integer> {

    @Override
    public Integer call() {
        CommandLine.usage(this, System.out);
        return 0;
    }

    /** {@code --version}: the versions the build wrote ({@link Versions}). */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"conv4j " + Versions.conv4j() + " (oneDNN preset " + Versions.dnnl() + ", JavaCPP "
                    + Versions.javacpp() + ")"};
        }
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns the exit status; errors become one {@code error:} line. */
    public static int execute(String... args) {
        return execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    }

    /** As {@link #execute(String...)}, writing to the given streams. */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("error: " + oneLine(e));
            return 1;
        });
        cl.setParameterExceptionHandler((e, a) -> {
            e.getCommandLine().getErr().println("error: " + oneLine(e));
            return 2;
        });
        try {
            return cl.execute(args);
        } finally {
            out.flush();
            err.flush();
        }
    }

    static String oneLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.replace('\n', ' ');
    }

    /** Options shared by the commands that compute. */
    static class BackendOption {
        @Option(names = "--backend", paramLabel = "NAME", description = "onednn (default) or reference")
        String backend;

        Backend resolve() {
            return backend == null ? Backends.getDefault() : Backends.byName(backend);
        }
    }

    /** {@code --precision} of the commands that run cases. */
    static class PrecisionOption {
        @Option(names = "--precision", paramLabel = "P", defaultValue = "f32",
                description = "arithmetic of the convolutions: f32 (default) or bf16 (bf16 products, float32 sums; "
                        + "pooling stays float32)")
        String precision;

        Precision resolve(CommandLine cl) {
            try {
                return Precision.parse(precision);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(cl, "--" + e.getMessage());
            }
        }
    }

    /** The line saying what a bf16 run computes at on {@code backend}, or null at f32. */
    static String precisionLine(Backend backend, Precision precision) {
        if (precision == Precision.F32) {
            return null;
        }
        Precision effective = backend.effectivePrecision(precision);
        return "precision: " + precision.label() + " requested, convolutions compute in " + effective.label()
                + " on " + backend.name() + (effective == precision ? "" : " (this CPU has no bf16 products)");
    }

    /** The case folders named on the command line; a folder without case.json stands for its sub-folders. */
    static List<Path> expand(List<Path> dirs) throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path d : dirs) {
            if (!Files.isDirectory(d)) {
                throw new IOException(d + ": no such case folder");
            }
            if (Files.exists(d.resolve("case.json"))) {
                out.add(d);
                continue;
            }
            try (Stream<Path> s = Files.list(d)) {
                s.filter(p -> Files.exists(p.resolve("case.json"))).sorted().forEach(out::add);
            }
        }
        return out;
    }

    @Command(name = "run", description = "Run case folders and write their outputs as .npy files.")
    static final class Run implements Callable<Integer> {
        @Parameters(arity = "1..*", paramLabel = "CASE_DIR")
        List<Path> dirs;

        @Option(names = "--out", required = true, paramLabel = "DIR")
        Path out;

        @CommandLine.Mixin
        BackendOption backendOption = new BackendOption();

        @CommandLine.Mixin
        PrecisionOption precisionOption = new PrecisionOption();

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            Backend backend = backendOption.resolve();
            Precision precision = precisionOption.resolve(spec.commandLine());
            PrintWriter err = spec.commandLine().getErr();
            String line = precisionLine(backend, precision);
            if (line != null) {
                err.println(line);
            }
            if (dirs.size() == 1 && Files.exists(dirs.get(0).resolve("case.json"))) {
                try {
                    runOne(dirs.get(0), out, backend, precision);
                    return 0;
                } catch (IllegalArgumentException | CaseFormatException e) {
                    err.println("error: " + oneLine(e));
                    return 1;
                }
            }
            int refused = 0;
            for (Path d : expand(dirs)) {
                Path target = out.resolve(d.getFileName().toString());
                try {
                    runOne(d, target, backend, precision);
                } catch (IllegalArgumentException | CaseFormatException e) {
                    refused++;
                    Files.createDirectories(target);
                    Files.writeString(target.resolve("error.txt"), oneLine(e) + "\n", StandardCharsets.UTF_8);
                }
            }
            return refused == 0 ? 0 : 1;
        }

        private static void runOne(Path dir, Path target, Backend backend, Precision precision)
                throws CaseFormatException, IOException {
            Case c = Case.load(dir);
            try (CaseRunner.Result r = CaseRunner.run(c, backend, MemoryFormat.CONTIGUOUS, precision)) {
                Files.createDirectories(target);
                writeAtomically(r.output(), target.resolve("output.npy"));
                if (r.indices() != null) {
                    writeAtomically(r.indices(), target.resolve("indices.npy"));
                }
            }
        }

        /** Writes to a temporary file first so that a failure leaves no partial file behind. */
        private static void writeAtomically(Tensor t, Path file) throws IOException {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            try {
                t.writeNpy(tmp);
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        }
    }

    @Command(name = "check", description = "Run case folders and compare with their expected outputs or refusals.")
    static final class Check implements Callable<Integer> {
        @Parameters(arity = "1..*", paramLabel = "CASE_DIR",
                description = "case folders, or folders holding case folders")
        List<Path> dirs;

        @CommandLine.Mixin
        BackendOption backendOption = new BackendOption();

        @CommandLine.Mixin
        PrecisionOption precisionOption = new PrecisionOption();

        @Option(names = {"-q", "--quiet"}, description = "print failures and the summary only")
        boolean quiet;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            Backend backend = backendOption.resolve();
            Precision precision = precisionOption.resolve(spec.commandLine());
            PrintWriter out = spec.commandLine().getOut();
            String line = precisionLine(backend, precision);
            if (line != null) {
                out.println(line);
            }
            int passed = 0;
            int failed = 0;
            for (Path d : expand(dirs)) {
                String report;
                try {
                    report = CaseCheck.check(Case.load(d), backend, MemoryFormat.CONTIGUOUS, precision);
                } catch (CaseFormatException e) {
                    report = "invalid case: " + oneLine(e);
                }
                if (report == null) {
                    passed++;
                    if (!quiet) {
                        out.println("PASS " + d.getFileName());
                    }
                } else {
                    failed++;
                    out.println("FAIL " + report);
                }
            }
            out.println("check (" + backend.name() + (precision == Precision.F32 ? "" : ", " + precision.label())
                    + "): " + passed + " passed, " + failed + " failed");
            out.flush();
            return failed == 0 && passed > 0 ? 0 : 1;
        }
    }

    @Command(name = "info", description = "Print versions, the CPU ISA in use and the thread count.")
    static final class Info implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            out.println("conv4j:       0.1.0");
            out.println("java:         " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name")
                    + ")");
            out.println("os/arch:      " + System.getProperty("os.name") + " " + System.getProperty("os.arch"));
            out.println("cpus:         " + Runtime.getRuntime().availableProcessors());
            for (String line : SystemInfo.lines()) {
                out.println(line);
            }
            out.flush();
            return 0;
        }
    }
}
