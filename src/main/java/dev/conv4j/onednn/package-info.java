/**
 * The native backend on oneDNN 3.8 (JavaCPP preset {@code org.bytedeco:dnnl}).
 *
 * <ul>
 *   <li>{@link dev.conv4j.onednn.OneDnnBackend}: the {@code Backend}; one CPU engine; each primitive
 *       keeps a pool of execution contexts (stream, memory objects, scratchpad), one per
 *       concurrent call, reused by later calls.
 *   <li>{@code NativePrimitive}: a primitive with that pool; {@code Dnnl.ExecContext} is one context.
 *   <li>{@link dev.conv4j.onednn.BarePrimitive}: a layer's primitive executed with no wrapper, the
 *       baseline {@code bin/conv4j bench} and the JMH benchmarks measure conv4j's overhead against.
 *   <li>{@code OneDnnAdapter}: the one translation of PyTorch's conventions into oneDNN's
 *       (dilation minus one, left/right padding, grouped and transposed weight layouts,
 *       pooling algorithms) and the routing of each call to oneDNN or to our own kernels.
 *   <li>{@code OneDnnConvKernel}: a prepared convolution; per problem shape a cached primitive
 *       with weights reordered once into the layout oneDNN chose.
 *   <li>{@code Dnnl}: the C API calls, with oneDNN status codes mapped to exceptions in one place.
 *   <li>{@link dev.conv4j.onednn.Routes#TABLE}: which operator and configuration runs where.
 * </ul>
 */
package dev.conv4j.onednn;
