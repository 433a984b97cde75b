package io.fedlead.client.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedlead.core.model.ModelSpec;
import io.fedlead.core.model.ModelWeights;
import io.fedlead.core.model.NetworkFactory;
import io.fedlead.core.model.NetworkWeights;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

class LeadScorerTest {
    private static MultiLayerNetwork logistic(float... weightsThenBias) {
        MultiLayerNetwork net = NetworkFactory.build(ModelSpec.logistic(), weightsThenBias.length - 1);
        NetworkWeights.set(net, new ModelWeights(NetworkWeights.layoutOf(net), weightsThenBias));
        return net;
    }

    private static List<String> ids(int n) {
        return IntStream.range(0, n).mapToObj(i -> "L" + i).toList();
    }

    @Test
    void score_hundredRows_gradesSplitTwentyFiveEachByRank() {
        MultiLayerNetwork net = logistic(0.1f, 0f);
        int n = 100;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (i * 37) % n; // a permutation of 0..99, so row order is not score order
        }

        List<ScoredLead> leads = new LeadScorer(net, List.of("f")).score(x, n, 1, ids(n));

        Map<Character, Long> counts = leads.stream().collect(Collectors.groupingBy(ScoredLead::grade, TreeMap::new, Collectors.counting()));
        assertEquals(Map.of('A', 25L, 'B', 25L, 'C', 25L, 'D', 25L), counts);
        for (int i = 0; i < n; i++) {
            ScoredLead lead = leads.get(i);
            assertEquals("L" + i, lead.id());
            assertEquals(n - (int) x[i], lead.rank(), "highest x ranks first");
            assertEquals("ABCD".charAt((lead.rank() - 1) / 25), lead.grade());
        }
    }

    @Test
    void score_tiedScores_rankedInRowOrder() {
        List<ScoredLead> leads = new LeadScorer(logistic(1f, 0f), List.of("f")).score(new float[] {2, 5, 2, 2}, 4, 1, ids(4));
        assertEquals(List.of(2, 1, 3, 4), leads.stream().map(ScoredLead::rank).toList());
        assertEquals(List.of('B', 'A', 'C', 'D'), leads.stream().map(ScoredLead::grade).toList());
    }

    @Test
    void score_logistic_reasonsAreWeightTimesValue() {
        // weights 2, -1, 0.5, 0.3, bias 0.1; row x = 0.4, 3, 2, 1
        // effects w*x: a 0.8, b -3.0, c 1.0, d 0.3; log-odds 0.8 - 3 + 1 + 0.3 + 0.1 = -0.8
        MultiLayerNetwork net = logistic(2f, -1f, 0.5f, 0.3f, 0.1f);

        ScoredLead lead = new LeadScorer(net, List.of("a", "b", "c", "d"))
                .score(new float[] {0.4f, 3f, 2f, 1f}, 1, 4, List.of("x")).get(0);

        assertEquals(1 / (1 + Math.exp(0.8)), lead.probability(), 1e-6);
        List<String> names = lead.topReasons().stream().map(Contribution::feature).toList();
        assertEquals(List.of("c", "a", "d", "b"), names);
        double[] effects = lead.topReasons().stream().mapToDouble(Contribution::logOddsEffect).toArray();
        assertEquals(1.0, effects[0], 1e-6);
        assertEquals(0.8, effects[1], 1e-6);
        assertEquals(0.3, effects[2], 1e-6);
        assertEquals(-3.0, effects[3], 1e-6);
    }

    @Test
    void score_manyEffects_atMostThreeEachWayAndZerosLeftOut() {
        MultiLayerNetwork net = logistic(1f, 2f, 3f, 4f, -1f, -2f, -3f, -4f, 5f, 0f);
        ScoredLead lead = new LeadScorer(net, List.of("p1", "p2", "p3", "p4", "n1", "n2", "n3", "n4", "zero"))
                .score(new float[] {1, 1, 1, 1, 1, 1, 1, 1, 0}, 1, 9, List.of("x")).get(0);
        assertEquals(List.of("p4", "p3", "p2", "n4", "n3", "n2"), lead.topReasons().stream().map(Contribution::feature).toList());
    }

    @Test
    void score_mlp_reasonsAreLogOddsChangeWhenSlotZeroed() {
        MultiLayerNetwork net = NetworkFactory.build(new ModelSpec("mlp", List.of(4), "tanh", 0, 0, "sgd", 5), 3);
        float[] row = {0.7f, -1.2f, 0.4f};

        ScoredLead lead = new LeadScorer(net, List.of("a", "b", "c")).score(row, 1, 3, List.of("x")).get(0);

        double p = net.output(Nd4j.create(row, new long[] {1, 3})).getDouble(0);
        assertEquals(p, lead.probability(), 1e-6);
        List<Contribution> expected = new ArrayList<>();
        for (int j = 0; j < 3; j++) {
            float[] occluded = row.clone();
            occluded[j] = 0;
            double pj = net.output(Nd4j.create(occluded, new long[] {1, 3})).getDouble(0);
            expected.add(new Contribution(List.of("a", "b", "c").get(j), logit(p) - logit(pj)));
        }
        assertEquals(3, lead.topReasons().size());
        for (Contribution c : lead.topReasons()) {
            Contribution e = expected.stream().filter(x -> x.feature().equals(c.feature())).findFirst().orElseThrow();
            assertEquals(e.logOddsEffect(), c.logOddsEffect(), 1e-4, c.feature());
            assertTrue(Math.abs(c.logOddsEffect()) > 1e-3, "a real effect: " + c);
        }
    }

    @Test
    void score_mlpManyRows_stackedOcclusionMatchesOneSlotAtATime() {
        // 2000 rows of 5 slots: 2 slot blocks fit in a pass of CHUNK_ROWS, so the 5 slots take 3 stacked passes.
        int n = 2000;
        int width = 5;
        MultiLayerNetwork net = NetworkFactory.build(new ModelSpec("mlp", List.of(6), "tanh", 0, 0, "sgd", 9), width);
        java.util.SplittableRandom rng = new java.util.SplittableRandom(4);
        float[] x = new float[n * width];
        for (int i = 0; i < x.length; i++) {
            x[i] = i % width == 3 ? 0f : (float) rng.nextGaussian(); // slot 3 is at its baseline everywhere
        }
        List<String> names = List.of("a", "b", "c", "d", "e");

        List<ScoredLead> leads = new LeadScorer(net, names).score(x, n, width, ids(n));

        double[] p = net.output(Nd4j.create(x, new long[] {n, width})).toDoubleVector();
        double[][] pOccluded = new double[width][];
        for (int j = 0; j < width; j++) {
            float[] occluded = x.clone();
            for (int i = 0; i < n; i++) {
                occluded[i * width + j] = 0f;
            }
            pOccluded[j] = net.output(Nd4j.create(occluded, new long[] {n, width})).toDoubleVector();
        }
        for (int i = 0; i < n; i += 97) {
            List<Contribution> reasons = leads.get(i).topReasons();
            assertTrue(reasons.size() >= 2, "row " + i + ": " + reasons);
            for (Contribution c : reasons) {
                int j = names.indexOf(c.feature());
                assertTrue(j != 3, "a slot at its baseline has no effect");
                assertEquals(logit(p[i]) - logit(pOccluded[j][i]), c.logOddsEffect(), 1e-3, "row " + i + " " + c);
            }
        }
    }

    @Test
    void constructor_wrongNameCount_rejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new LeadScorer(logistic(1f, 1f, 0f), List.of("only-one")));
        assertEquals("1 feature names given but the network has 2 inputs", e.getMessage());
    }

    @Test
    void score_idCountDiffers_rejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new LeadScorer(logistic(1f, 0f), List.of("f")).score(new float[] {1, 2}, 2, 1, List.of("a")));
        assertEquals("1 ids given for 2 rows", e.getMessage());
    }

    @Test
    void grade_smallCounts_quartilesOfRank() {
        assertEquals('A', LeadScorer.grade(1, 1));
        assertEquals("ABC", "" + LeadScorer.grade(1, 3) + LeadScorer.grade(2, 3) + LeadScorer.grade(3, 3));
        assertEquals("AABBCCDD", IntStream.rangeClosed(1, 8).mapToObj(r -> "" + LeadScorer.grade(r, 8)).collect(Collectors.joining()));
    }

    private static double logit(double p) {
        return Math.log(p / (1 - p));
    }
}
