package dev.conv4j.cases;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** How a refusal's message is matched with PyTorch's (CaseCheck.sameMessage). */
class SameMessageTest {
    @Test
    void equalMessagesMatch() {
        assertTrue(CaseCheck.sameMessage("Input shape must be `(N, C, H, W)`!", "Input shape must be `(N, C, H, W)`!"));
        assertFalse(CaseCheck.sameMessage("Input shape must be `(N, C, H, W)`!", "Input shape must be `(N, C, L)`!"));
        assertFalse(CaseCheck.sameMessage("x", null));
    }

    @Test
    void aOneLineExpectationMatchesTheFirstLineOfAMultiLineMessage() {
        String full = "quantized::conv2d_prepack() Expected a value ... 'tuple'.\nPosition: 3\nValue: ('s', 'a', 'm', 'e')";
        assertTrue(CaseCheck.sameMessage("quantized::conv2d_prepack() Expected a value ... 'tuple'.", full));
        assertTrue(CaseCheck.sameMessage(full, full));
        assertFalse(CaseCheck.sameMessage("Position: 3", full));
        // and the other way round: PyTorch's full message, our first line
        assertTrue(CaseCheck.sameMessage(full, "quantized::conv2d_prepack() Expected a value ... 'tuple'."));
        // a multi-line expectation needs every line
        assertFalse(CaseCheck.sameMessage(full + "\nmore", full));
    }
}
