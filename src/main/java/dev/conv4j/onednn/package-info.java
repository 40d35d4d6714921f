/**
 * The native backend on oneDNN 3.8 (JavaCPP preset {@code org.bytedeco:dnnl}).
 *
 * <p>Public API: {@link dev.conv4j.onednn.OneDnnBackend} (the {@code Backend}: threads, info)
 * and {@link dev.conv4j.onednn.Routes#TABLE} (which operator and configuration runs where).
 * <b>Internal</b>, public only for conv4j's own tools and not part of the API:
 * {@link dev.conv4j.onednn.PrimitiveFactory}. Everything else is package-private:
 *
 * <ul>
 *   <li>{@code OneDnnRuntime}: loading the native libraries, the one CPU engine, the thread
 *       setting and how it reaches OpenMP, {@code conv4j info}.
 *   <li>{@code PrimitiveFactory}: the one place primitives are created (convolution,
 *       deconvolution and pooling descriptors, reorders, weights packed into a primitive's layout,
 *       memory descriptors by layout), for the kernels, the pooling and the benchmarks'
 *       bare-primitive baseline alike.
 *   <li>{@code OneDnnAdapter}: the one translation of PyTorch's conventions into oneDNN's
 *       (dilation minus one, left/right padding, grouped and transposed weight layouts,
 *       pooling algorithms) and the routing of each call to oneDNN or to our own kernels.
 *   <li>{@code OneDnnConvKernel}: a prepared f32/bf16 convolution; per problem shape a cached
 *       primitive with weights reordered once into the layout oneDNN chose
 *       ({@code PackedWeights}, shared by the plans that chose the same layout).
 *   <li>{@code OneDnnQuantizedConvKernel}, {@code OneDnnQuantized}: the int8 operators.
 *   <li>{@code OneDnnPooling}: plain, adaptive and un-pooling.
 *   <li>{@code NativePrimitive}: a primitive with a pool of execution contexts
 *       ({@code ExecContext}: stream, memory objects, scratchpad), one per concurrent call,
 *       reused by later calls; {@code PlanCache}: the bounded caches of plans.
 *   <li>{@code CallThreads}: the threads each call gets; {@code OwnKernels}: the calls into
 *       conv4j's own native kernels.
 *   <li>{@code Dnnl}: the C API calls, with oneDNN status codes mapped to exceptions in one
 *       place, and the one helper that takes native memory out of a {@code PointerScope}.
 * </ul>
 */
package dev.conv4j.onednn;
