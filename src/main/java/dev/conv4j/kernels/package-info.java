/**
 * Internal to conv4j: its own native kernels (built from {@code native/}) for the two backends.
 * {@code NativeKernels}, the JNI surface JavaCPP builds, is package-private; {@link
 * dev.conv4j.kernels.Kernels} is the checked Java face the backends call. Not API: services use
 * {@code dev.conv4j.nn} and {@link dev.conv4j.Tensor}.
 */
package dev.conv4j.kernels;
