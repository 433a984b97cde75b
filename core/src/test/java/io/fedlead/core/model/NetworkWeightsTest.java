package io.fedlead.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

class NetworkWeightsTest {
    private static final ModelSpec MLP = new ModelSpec("mlp", List.of(3), "relu", 0, 0, "sgd", 1);

    @Test
    void layoutOf_mlp_paramTableKeysAndShapesInOrder() {
        ModelLayout layout = NetworkWeights.layoutOf(NetworkFactory.build(MLP, 2));
        assertEquals(List.of(
                new TensorSpec("0_W", List.of(2L, 3L)),
                new TensorSpec("0_b", List.of(3L)),
                new TensorSpec("1_W", List.of(3L, 1L)),
                new TensorSpec("1_b", List.of(1L))), layout.tensors());
        assertEquals(2 * 3 + 3 + 3 + 1, layout.parameterCount());
    }

    @Test
    void set_knownVector_landsInParamTableInLayoutOrder() {
        MultiLayerNetwork net = NetworkFactory.build(MLP, 2);
        ModelLayout layout = NetworkWeights.layoutOf(net);
        float[] v = new float[layout.parameterCount()];
        for (int i = 0; i < v.length; i++) {
            v[i] = i;
        }
        NetworkWeights.set(net, new ModelWeights(layout, v));

        // 0_W is [2, 3] stored column-major: element (r, c) is flat index r + 2c.
        INDArray w0 = net.paramTable().get("0_W");
        assertEquals(0f, w0.getFloat(0, 0));
        assertEquals(1f, w0.getFloat(1, 0));
        assertEquals(2f, w0.getFloat(0, 1));
        assertEquals(5f, w0.getFloat(1, 2));
        assertArrayEquals(new float[] {6, 7, 8}, net.paramTable().get("0_b").toFloatVector());
        assertArrayEquals(new float[] {9, 10, 11}, net.paramTable().get("1_W").toFloatVector());
        assertEquals(12f, net.paramTable().get("1_b").getFloat(0));
        assertArrayEquals(v, net.params().toFloatVector());
    }

    @Test
    void getThenSet_roundTrip_sameWeightsAndOutputs() {
        MultiLayerNetwork source = NetworkFactory.build(MLP, 2);
        MultiLayerNetwork target = NetworkFactory.build(new ModelSpec("mlp", List.of(3), "relu", 0, 0, "sgd", 99), 2);
        ModelWeights w = NetworkWeights.get(source);
        assertNotEquals(w, NetworkWeights.get(target));

        NetworkWeights.set(target, w);

        assertEquals(w, NetworkWeights.get(target));
        INDArray x = org.nd4j.linalg.factory.Nd4j.create(new float[] {0.5f, -1f}, new long[] {1, 2});
        assertEquals(source.output(x).getFloat(0), target.output(x).getFloat(0));
    }

    @Test
    void get_returnsCopy_laterTrainingDoesNotChangeIt() {
        MultiLayerNetwork net = NetworkFactory.build(ModelSpec.logistic(), 2);
        ModelWeights w = NetworkWeights.get(net);
        float before = w.values()[0];
        net.params().addi(1f);
        assertEquals(before, w.values()[0]);
    }

    @Test
    void set_differentSpec_rejectedNamingTheTensor() {
        MultiLayerNetwork net = NetworkFactory.build(MLP, 2);
        ModelWeights other = NetworkWeights.get(NetworkFactory.build(new ModelSpec("mlp", List.of(4), "relu", 0, 0, "sgd", 1), 2));
        assertNotEquals(NetworkWeights.layoutOf(net), other.layout());

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NetworkWeights.set(net, other));

        assertTrue(e.getMessage().contains("tensor 0: expected 0_W[2, 3], got 0_W[2, 4]"), e.getMessage());
    }
}
