package io.fedlead.client.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class GradeScaleTest {
    private static ScoredLead lead(double p, int rank, char grade) {
        return new ScoredLead("L" + rank, p, rank, grade, List.of());
    }

    @Test
    void grade_boundariesInclusive() {
        GradeScale scale = new GradeScale(0.5, 0.2, 0.1, "test");
        assertEquals('A', scale.grade(0.5));
        assertEquals('B', scale.grade(0.4999));
        assertEquals('B', scale.grade(0.2));
        assertEquals('C', scale.grade(0.1));
        assertEquals('D', scale.grade(0.0999));
        assertEquals('D', scale.grade(0));
    }

    @Test
    void fromReference_eightLeads_lowestProbabilityOfEachBatchGrade() {
        // Batch of 8: ranks 1-2 A, 3-4 B, 5-6 C, 7-8 D.
        double[] p = {0.9, 0.8, 0.6, 0.5, 0.3, 0.25, 0.1, 0.05};
        List<ScoredLead> leads = new ArrayList<>();
        for (int r = 1; r <= 8; r++) {
            leads.add(lead(p[r - 1], r, LeadScorer.grade(r, 8)));
        }

        GradeScale scale = GradeScale.fromReference(leads, "ref.csv");

        assertEquals(new GradeScale(0.8, 0.5, 0.25, "ref.csv (8 leads)"), scale);
        for (ScoredLead l : leads) {
            assertEquals(l.grade(), scale.grade(l.probability()), "a reference lead keeps its batch grade");
        }
    }

    @Test
    void fromReference_fewerThanFourLeads_rejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GradeScale.fromReference(List.of(lead(0.5, 1, 'A'), lead(0.4, 2, 'C'), lead(0.3, 3, 'D')), "ref.csv"));
        assertEquals("ref.csv: 3 reference leads; at least 4 are needed to set grade boundaries (hundreds are better)",
                e.getMessage());
    }

    @Test
    void constructor_unorderedBoundaries_rejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new GradeScale(0.2, 0.5, 0.1, "--grade-cuts"));
        assertEquals("grade boundaries must satisfy 0 <= C <= B <= A <= 1, got A 0.2, B 0.5, C 0.1 (--grade-cuts)",
                e.getMessage());
    }
}
