package dev.conv4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.bytedeco.javacpp.BytePointer;
import org.junit.jupiter.api.Test;

class BlockPoolTest {
    @Test
    void theRecentWorkingSetIsServedAfterTheBoundFilledWithOtherSizes() {
        // Fill the pool past its bound with blocks of sizes nobody asks for again (as a service
        // does after a burst of unusual batch sizes), then use one size over and over.
        long other = BlockPool.MAX_BYTES / 8 + 4096;
        List<BytePointer> held = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            long bytes = other + 64L * i; // twelve distinct sizes, 1.5x the bound in all
            held.add(BlockPool.take(bytes));
        }
        for (int i = 0; i < held.size(); i++) {
            BlockPool.give(held.get(i), other + 64L * i);
        }
        assertTrue(BlockPool.cachedBytes() <= BlockPool.MAX_BYTES);

        long working = BlockPool.MAX_BYTES / 4 + 128; // a size of its own, a quarter of the bound
        BlockPool.give(BlockPool.take(working), working);
        long fresh = BlockPool.freshBlocks();
        for (int i = 0; i < 20; i++) {
            BytePointer b = BlockPool.take(working);
            assertEquals(working, b.limit());
            BlockPool.give(b, working);
        }
        assertEquals(fresh, BlockPool.freshBlocks(), "the working set's block was reused every time");
        assertTrue(BlockPool.cachedBytes() <= BlockPool.MAX_BYTES);
    }

    @Test
    void theOldestBlocksAreEvictedFirst() {
        long size = BlockPool.MAX_BYTES / 3 + 256;
        BytePointer a = BlockPool.take(size);
        BytePointer b = BlockPool.take(size + 64);
        BytePointer c = BlockPool.take(size + 128);
        BlockPool.give(a, size);
        BlockPool.give(b, size + 64);
        BlockPool.give(c, size + 128); // over the bound: a, returned first, goes
        long fresh = BlockPool.freshBlocks();
        BlockPool.give(BlockPool.take(size + 128), size + 128);
        BlockPool.give(BlockPool.take(size + 64), size + 64);
        assertEquals(fresh, BlockPool.freshBlocks(), "the two recent blocks were kept");
        BlockPool.give(BlockPool.take(size), size);
        assertEquals(fresh + 1, BlockPool.freshBlocks(), "the oldest block was evicted");
    }

    @Test
    void aBlockLargerThanTheBoundIsNotKept() {
        long before = BlockPool.cachedBytes();
        long huge = BlockPool.MAX_BYTES + 1;
        BytePointer p = BlockPool.take(huge);
        BlockPool.give(p, huge);
        assertTrue(p.isNull() || p.address() == 0, "freed at once");
        assertTrue(BlockPool.cachedBytes() <= Math.max(before, BlockPool.MAX_BYTES));
    }
}
