package dev.conv4j.bench;

/**
 * One row of the report: a layer at a batch size on a backend, measured or failed.
 *
 * @param layer the layer's stable name
 * @param batch the batch size
 * @param backend {@code onednn} or {@code reference}
 * @param ms the median time of one call in milliseconds; NaN if the run failed
 * @param flops FLOPs of one call, or NaN for pooling
 * @param reps how many timed calls the median is of
 * @param error why the run failed (one line), or null
 * @param othersCpu the share (0..1) of the machine's CPU time that other processes used while
 *     the row ran, NaN if unknown (see {@link CpuMonitor})
 * @param precision what the layer computed at: {@code f32}, or {@code bf16} where a bf16 row's
 *     convolution did get bf16 products on this CPU
 */
public record BenchRow(String layer, int batch, String backend, double ms, double flops, int reps, String error,
        double othersCpu, String precision) {

    /** A measured row. */
    public BenchRow(String layer, int batch, String backend, double ms, double flops, int reps) {
        this(layer, batch, backend, ms, flops, reps, null, Double.NaN);
    }

    /** A row computed in f32. */
    public BenchRow(String layer, int batch, String backend, double ms, double flops, int reps, String error,
            double othersCpu) {
        this(layer, batch, backend, ms, flops, reps, error, othersCpu, "f32");
    }

    /** A row whose run failed with {@code error}. */
    public static BenchRow failed(String layer, int batch, String backend, double flops, String error) {
        return new BenchRow(layer, batch, backend, Double.NaN, flops, 0, error, Double.NaN);
    }

    /** This row with the other processes' CPU share while it ran. */
    public BenchRow withOthersCpu(double share) {
        return new BenchRow(layer, batch, backend, ms, flops, reps, error, share, precision);
    }

    /** This row computed at {@code p} ({@code f32} or {@code bf16}). */
    public BenchRow withPrecision(String p) {
        return new BenchRow(layer, batch, backend, ms, flops, reps, error, othersCpu, p);
    }

    public boolean ok() {
        return error == null;
    }

    /** GFLOP/s at the median time; NaN for pooling or a failed run. */
    public double gflops() {
        return Double.isNaN(flops) || !ok() ? Double.NaN : Timing.gflops(flops, ms);
    }
}
