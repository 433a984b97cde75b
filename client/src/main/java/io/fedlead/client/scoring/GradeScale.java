package io.fedlead.client.scoring;

import java.util.List;
import java.util.Objects;

/**
 * Fixed grade boundaries on the conversion probability, for scoring leads one request at a time. The batch
 * {@code score} command grades by quartile within the file it scores; a request of one lead has no quartiles, so
 * the scoring service grades against boundaries fixed in advance instead: A when the probability is at least
 * {@code minA}, else B when at least {@code minB}, else C when at least {@code minC}, else D.
 *
 * <p>{@link #fromReference} takes the boundaries from a batch-scored reference set (a recent sample of leads), so a
 * grade keeps its batch meaning: A is "in the top quarter of the reference leads". Scoring the reference leads
 * themselves one by one gives each the grade the batch gave it (leads tied on a boundary all get the better grade;
 * the batch breaks such ties by row order).
 *
 * @param minA   smallest probability graded A
 * @param minB   smallest probability graded B; at most {@code minA}
 * @param minC   smallest probability graded C; at most {@code minB}
 * @param source where the boundaries came from, e.g. "reference holdout.csv (4000 leads)" or "--grade-cuts"
 */
public record GradeScale(double minA, double minB, double minC, String source) {
    public GradeScale {
        Objects.requireNonNull(source, "source");
        if (!(minC >= 0 && minC <= minB && minB <= minA && minA <= 1)) {
            throw new IllegalArgumentException("grade boundaries must satisfy 0 <= C <= B <= A <= 1, got A " + minA
                    + ", B " + minB + ", C " + minC + " (" + source + ")");
        }
    }

    /** The grade of one probability. */
    public char grade(double probability) {
        if (probability >= minA) {
            return 'A';
        }
        if (probability >= minB) {
            return 'B';
        }
        return probability >= minC ? 'C' : 'D';
    }

    /**
     * Boundaries from leads scored together by {@link LeadScorer}: each grade's boundary is the lowest probability
     * the batch gave that grade.
     *
     * @throws IllegalArgumentException with fewer than 4 leads (some grade would be empty)
     */
    public static GradeScale fromReference(List<ScoredLead> reference, String source) {
        Objects.requireNonNull(reference, "reference");
        if (reference.size() < 4) {
            throw new IllegalArgumentException(source + ": " + reference.size()
                    + " reference leads; at least 4 are needed to set grade boundaries (hundreds are better)");
        }
        double[] min = {Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY};
        for (ScoredLead lead : reference) {
            int g = lead.grade() - 'A';
            if (g < 3) {
                min[g] = Math.min(min[g], lead.probability());
            }
        }
        return new GradeScale(min[0], min[1], min[2], source + " (" + reference.size() + " leads)");
    }
}
