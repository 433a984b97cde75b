package io.fedlead.core.features;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EncodedLeadsTest {
    /** n rows of width 2: row i = (i, -i); the first {@code positives} rows are positive. */
    private static EncodedLeads leads(String source, int n, int positives) {
        float[] f = new float[n * 2];
        float[] y = new float[n];
        List<String> ids = new ArrayList<>();
        List<Long> lines = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            f[2 * i] = i;
            f[2 * i + 1] = -i;
            y[i] = i < positives ? 1 : 0;
            ids.add(source + i);
            lines.add(i + 2L);
        }
        return new EncodedLeads(source, n, 2, f, y, ids, lines, 0);
    }

    @Test
    void split_stratified_bothPartsKeepTheBaseRate() {
        EncodedLeads all = leads("a", 1000, 100);
        EncodedLeads.Split split = EncodedLeads.split(all, 0.2, new SplittableRandom(7));
        assertEquals(800, split.train().rows());
        assertEquals(200, split.holdout().rows());
        // round(100 * 0.2) = 20 positives and round(900 * 0.2) = 180 negatives: exactly 10% in both parts.
        assertEquals(0.1, split.train().positiveRate(), 1e-12);
        assertEquals(0.1, split.holdout().positiveRate(), 1e-12);
        List<String> union = new ArrayList<>(split.train().ids());
        union.addAll(split.holdout().ids());
        assertEquals(1000, union.stream().distinct().count());
    }

    @Test
    void split_sameSeed_sameParts_rowsStayAligned() {
        EncodedLeads all = leads("a", 50, 10);
        EncodedLeads.Split one = EncodedLeads.split(all, 0.3, new SplittableRandom(1));
        EncodedLeads.Split two = EncodedLeads.split(all, 0.3, new SplittableRandom(1));
        assertEquals(one, two);
        EncodedLeads h = one.holdout();
        for (int i = 0; i < h.rows(); i++) {
            int original = Integer.parseInt(h.ids().get(i).substring(1));
            assertArrayEquals(new float[]{original, -original}, h.row(i));
            assertEquals(original < 10 ? 1f : 0f, h.labels()[i]);
        }
    }

    @Test
    void subset_picksRowsInOrder() {
        EncodedLeads s = leads("a", 5, 1).subset(new int[]{4, 0, 4});
        assertArrayEquals(new float[]{4, -4, 0, 0, 4, -4}, s.features());
        assertArrayEquals(new float[]{0, 1, 0}, s.labels());
        assertEquals(List.of(6L, 2L, 6L), s.lineNumbers());
    }

    @Test
    void concat_stacksRowsAndSumsSkips() {
        EncodedLeads a = leads("a", 2, 1);
        EncodedLeads b = new EncodedLeads("b", 1, 2, new float[]{9, 8}, new float[]{Float.NaN}, List.of("x"),
                List.of(5L), 3);
        EncodedLeads c = EncodedLeads.concat(List.of(a, b));
        assertEquals("a+b", c.source());
        assertArrayEquals(new float[]{0, 0, 1, -1, 9, 8}, c.features());
        assertEquals(3, c.skippedRows());
        assertEquals(0.5, c.positiveRate(), 1e-12); // the NaN label is not counted
        EncodedLeads wide = new EncodedLeads("w", 1, 3, new float[3], new float[1], List.of("w"), List.of(1L), 0);
        assertThrows(IllegalArgumentException.class, () -> EncodedLeads.concat(List.of(a, wide)));
    }

    @Test
    void constructor_inconsistentSizes_rejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new EncodedLeads("s", 2, 2, new float[3], new float[2], List.of("a", "b"), List.of(1L, 2L), 0));
        assertEquals("s: features has 3 values, expected 2 x 2", e.getMessage());
    }

    @Test
    void split_unlabeledRows_spreadToo() {
        float[] y = new float[10];
        java.util.Arrays.fill(y, Float.NaN);
        EncodedLeads u = new EncodedLeads("u", 10, 1, new float[10], y,
                IntStream.range(0, 10).mapToObj(i -> "r" + i).toList(), IntStream.range(0, 10).mapToObj(i -> (long) i).toList(), 0);
        EncodedLeads.Split s = EncodedLeads.split(u, 0.5, new SplittableRandom(3));
        assertEquals(5, s.holdout().rows());
        assertTrue(Double.isNaN(s.holdout().positiveRate()));
    }
}
