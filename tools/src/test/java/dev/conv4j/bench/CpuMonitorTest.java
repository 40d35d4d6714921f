package dev.conv4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CpuMonitorTest {

    @Test
    void busyTicksAreUserNiceSystemIrqSoftirqSteal() {
        // user 100, nice 2, system 30, idle 5000, iowait 7, irq 1, softirq 4, steal 3, guest 0, guest_nice 0
        assertEquals(100 + 2 + 30 + 1 + 4 + 3, CpuMonitor.parseBusyTicks("cpu  100 2 30 5000 7 1 4 3 0 0"));
        assertThrows(IllegalArgumentException.class, () -> CpuMonitor.parseBusyTicks("cpu0 1 2 3 4 5 6 7 8"));
    }

    @Test
    void othersShareIsBusyTimeNotOursOverCapacity() {
        long s = 1_000_000_000L;
        // 1 s on 2 processors = 2 s of capacity; the system was busy 1.5 s, of which 0.8 s was ours.
        CpuMonitor.Sample a = new CpuMonitor.Sample(0, 10 * s, 3 * s);
        CpuMonitor.Sample b = new CpuMonitor.Sample(s, 10 * s + 1_500_000_000L, 3 * s + 800_000_000L);
        assertEquals(0.35, CpuMonitor.othersShare(a, b, 2), 1e-12);
        // Clamped to [0, 1] (tick rounding can make it slightly negative).
        CpuMonitor.Sample c = new CpuMonitor.Sample(s, 10 * s + 700_000_000L, 3 * s + 800_000_000L);
        assertEquals(0.0, CpuMonitor.othersShare(a, c, 2));
    }

    @Test
    void unknownOrTooShortIsNaN() {
        CpuMonitor.Sample a = new CpuMonitor.Sample(0, 0, 0);
        assertTrue(Double.isNaN(CpuMonitor.othersShare(a, new CpuMonitor.Sample(100_000_000L, 1, 1), 2)));
        assertTrue(Double.isNaN(CpuMonitor.othersShare(a, new CpuMonitor.Sample(1_000_000_000L, -1, 1), 2)));
        assertTrue(Double.isNaN(CpuMonitor.othersShare(a, new CpuMonitor.Sample(1_000_000_000L, 1, -1), 2)));
    }

    @Test
    void aSampleOnLinuxKnowsBothTimes() {
        CpuMonitor.Sample s = CpuMonitor.sample();
        if (System.getProperty("os.name").startsWith("Linux")) {
            assertTrue(s.systemBusyNanos() > 0 && s.processCpuNanos() > 0, s.toString());
        }
    }
}
