package io.fedlead.client.scoring;

import java.util.List;
import java.util.Objects;

/**
 * One lead's score: probability of conversion, rank among the leads scored together (1 = best), grade A-D
 * by rank quartile, and the input slots that moved its score most.
 *
 * @param topReasons up to three slots pushing the score up (largest first), then up to three pushing it down
 *                   (most negative first); slots with no effect are left out
 */
public record ScoredLead(String id, double probability, int rank, char grade, List<Contribution> topReasons) {
    public ScoredLead {
        Objects.requireNonNull(id, "id");
        if (!(probability >= 0 && probability <= 1)) {
            throw new IllegalArgumentException("lead '" + id + "': probability must be in [0, 1], got " + probability);
        }
        if (rank < 1) {
            throw new IllegalArgumentException("lead '" + id + "': rank must be >= 1, got " + rank);
        }
        if (grade < 'A' || grade > 'D') {
            throw new IllegalArgumentException("lead '" + id + "': grade must be A-D, got '" + grade + "'");
        }
        topReasons = List.copyOf(topReasons);
    }
}
