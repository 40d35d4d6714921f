package dev.conv4j.spec;

/** How a convolution fills the border it pads: torch.nn's {@code padding_mode}. */
public enum PaddingMode {
    ZEROS("zeros"), REFLECT("reflect"), REPLICATE("replicate"), CIRCULAR("circular");

    private final String torchName;

    PaddingMode(String torchName) {
        this.torchName = torchName;
    }

    /** PyTorch's spelling, e.g. {@code "reflect"}. */
    public String torchName() {
        return torchName;
    }

    /** Parses PyTorch's spelling, with PyTorch's message for anything else. */
    public static PaddingMode fromTorch(String name) {
        for (PaddingMode m : values()) {
            if (m.torchName.equals(name)) {
                return m;
            }
        }
        // PyTorch prints a Python set here; this is its order under PYTHONHASHSEED=0.
        throw new IllegalArgumentException("padding_mode must be one of {'replicate', 'reflect', 'zeros', "
                + "'circular'}, but got padding_mode='" + name + "'");
    }
}
