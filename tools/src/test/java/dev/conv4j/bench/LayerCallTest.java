package dev.conv4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class LayerCallTest {

    @Test
    void parsesPositionalAndKeywordArguments() {
        LayerCall c = LayerCall.parse("Conv2d(3, 64, 7, stride=2, padding=3)");
        assertEquals("Conv2d", c.op());
        assertEquals(List.of(3, 64, 7), c.args());
        assertEquals(Map.of("stride", 2, "padding", 3), c.kwargs());
        assertEquals(2, c.kwarg("stride", 1));
        assertEquals(1, c.kwarg("groups", 1));
        assertEquals(7, c.arg(2, 0));
        assertEquals(-1, c.arg(3, -1));
        assertEquals("Conv2d(3, 64, 7, stride=2, padding=3)", c.toString());
    }

    @Test
    void parsesASingleArgument() {
        LayerCall c = LayerCall.parse(" AdaptiveAvgPool2d(1) ");
        assertEquals("AdaptiveAvgPool2d", c.op());
        assertEquals(List.of(1), c.args());
        assertTrue(c.kwargs().isEmpty());
    }

    @Test
    void refusesWhatIsNotACall() {
        assertThrows(IllegalArgumentException.class, () -> LayerCall.parse("Conv2d 3, 64"));
        assertThrows(IllegalArgumentException.class, () -> LayerCall.parse("(3)"));
        assertThrows(IllegalArgumentException.class, () -> LayerCall.parse("Conv2d(3, x)"));
        assertThrows(IllegalArgumentException.class, () -> LayerCall.parse("Conv2d(3, stride=1, 4)"));
        assertThrows(IllegalArgumentException.class, () -> LayerCall.parse("Conv2d(3, stride=1, stride=2)"));
        assertThrows(IllegalArgumentException.class, () -> LayerCall.parse("nn.Conv2d(3)"));
    }
}
