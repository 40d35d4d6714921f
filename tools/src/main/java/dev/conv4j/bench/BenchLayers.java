package dev.conv4j.bench;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The standard layer set of {@code bin/conv4j bench}, copied from {@code docs/bench-layers.md}: one
 * row per layer, columns as in the table (name, op, input C,[D,]H,W, layer). Names are stable:
 * reports and comparisons key on them.
 */
public final class BenchLayers {
    private BenchLayers() {
    }

    /** The layers in table order. */
    public static final List<BenchLayer> ALL = List.of(
            // name                          op                   input (C,[D,]H,W)  layer
            row("conv1 7x7/2 3-64 224",      "Conv2d",            "3, 224, 224",     "Conv2d(3, 64, 7, stride=2, padding=3)"),
            row("res2 3x3 64-64 56",         "Conv2d",            "64, 56, 56",      "Conv2d(64, 64, 3, padding=1)"),
            row("res3 3x3 128-128 28",       "Conv2d",            "128, 28, 28",     "Conv2d(128, 128, 3, padding=1)"),
            row("res4 3x3 256-256 14",       "Conv2d",            "256, 14, 14",     "Conv2d(256, 256, 3, padding=1)"),
            row("res5 3x3 512-512 7",        "Conv2d",            "512, 7, 7",       "Conv2d(512, 512, 3, padding=1)"),
            row("1x1 256-64 56",             "Conv2d",            "256, 56, 56",     "Conv2d(256, 64, 1)"),
            row("1x1 1024-256 14",           "Conv2d",            "1024, 14, 14",    "Conv2d(1024, 256, 1)"),
            row("dw 3x3 144 56",             "Conv2d",            "144, 56, 56",     "Conv2d(144, 144, 3, padding=1, groups=144)"),
            row("deconv 2x2/2 256-128 28",   "ConvTranspose2d",   "256, 28, 28",     "ConvTranspose2d(256, 128, 2, stride=2)"),
            row("conv3d 3x3x3 32-32 16",     "Conv3d",            "32, 16, 28, 28",  "Conv3d(32, 32, 3, padding=1)"),
            row("maxpool 3x3/2 64 112",      "MaxPool2d",         "64, 112, 112",    "MaxPool2d(3, stride=2, padding=1)"),
            row("avgpool 3x3/1 256 28",      "AvgPool2d",         "256, 28, 28",     "AvgPool2d(3, stride=1, padding=1)"),
            row("gap 2048 7",                "AdaptiveAvgPool2d", "2048, 7, 7",      "AdaptiveAvgPool2d(1)"));

    /** A small convolution (3.6 MFLOP at batch 1) for the serving load only: per-call overhead dominates it. */
    public static final BenchLayer TINY = row("tiny 3x3 16-16 28", "Conv2d", "16, 28, 28", "Conv2d(16, 16, 3, padding=1)");

    /** The layers {@code bench --serve} times by default. */
    public static final String SERVE_DEFAULT = "tiny 3x3 16-16 28,res2 3x3 64-64 56,dw 3x3 144 56,maxpool 3x3/2 64 112";

    private static BenchLayer row(String name, String op, String input, String layer) {
        return BenchLayer.of(name, op, input, layer);
    }

    /**
     * The layers named by a comma-separated list, in table order. Each item matches a layer whose
     * name equals it, or else every layer whose name contains it (case-insensitive).
     *
     * @throws IllegalArgumentException for an item that matches no layer, listing the names
     */
    public static List<BenchLayer> select(String list) {
        return select(ALL, list);
    }

    /** As {@link #select(String)}, among {@link #ALL} and {@link #TINY}, by default {@link #SERVE_DEFAULT}. */
    public static List<BenchLayer> selectForServing(String list) {
        List<BenchLayer> all = new ArrayList<>(List.of(TINY));
        all.addAll(ALL);
        return select(all, list == null || list.isBlank() ? SERVE_DEFAULT : list);
    }

    private static List<BenchLayer> select(List<BenchLayer> all, String list) {
        if (list == null || list.isBlank()) {
            return all;
        }
        Set<BenchLayer> chosen = new LinkedHashSet<>();
        for (String raw : list.split(",")) {
            String item = raw.strip();
            if (item.isEmpty()) {
                continue;
            }
            List<BenchLayer> exact = all.stream().filter(l -> l.name().equalsIgnoreCase(item)).toList();
            List<BenchLayer> hits = !exact.isEmpty() ? exact
                    : all.stream().filter(l -> l.name().toLowerCase(Locale.ROOT)
                            .contains(item.toLowerCase(Locale.ROOT))).toList();
            if (hits.isEmpty()) {
                throw new IllegalArgumentException("no benchmark layer matches '" + item + "'; the layers are: "
                        + String.join(", ", all.stream().map(BenchLayer::name).toList()));
            }
            chosen.addAll(hits);
        }
        if (chosen.isEmpty()) {
            throw new IllegalArgumentException("--layers names no layer");
        }
        List<BenchLayer> out = new ArrayList<>(all);
        out.retainAll(chosen);
        return List.copyOf(out);
    }

    /** The layer names in table order. */
    public static List<String> names() {
        return ALL.stream().map(BenchLayer::name).toList();
    }
}
