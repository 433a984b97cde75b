package io.fedlead.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.Sgd;

class NetworkFactoryTest {
    private static ModelSpec mlp(String updater, double dropout, long seed) {
        return new ModelSpec("mlp", List.of(5, 3), "tanh", dropout, 1e-3, updater, seed);
    }

    @Test
    void build_sameSpecTwice_identicalInitialWeights() {
        ModelSpec spec = mlp("adam", 0.2, 7);
        float[] a = NetworkWeights.get(NetworkFactory.build(spec, 4)).values();
        float[] b = NetworkWeights.get(NetworkFactory.build(spec, 4)).values();
        assertArrayEquals(a, b);
        assertTrue(a[0] != 0f, "weights are initialised, not zero");
    }

    @Test
    void build_differentSeed_differentInitialWeights() {
        float[] a = NetworkWeights.get(NetworkFactory.build(mlp("sgd", 0, 7), 4)).values();
        float[] b = NetworkWeights.get(NetworkFactory.build(mlp("sgd", 0, 8), 4)).values();
        assertFalse(java.util.Arrays.equals(a, b));
    }

    @Test
    void build_logistic_oneSigmoidOutputOverInputs() {
        MultiLayerNetwork net = NetworkFactory.build(ModelSpec.logistic(), 6);
        assertEquals(1, net.getnLayers());
        OutputLayer out = (OutputLayer) net.getLayer(0).conf().getLayer();
        assertEquals(6, out.getNIn());
        assertEquals(1, out.getNOut());
        assertEquals("sigmoid", out.getActivationFn().toString());
        assertEquals("LossBinaryXENT()", out.getLossFn().toString());
        assertEquals(DataType.FLOAT, net.params().dataType());
        assertEquals(7, net.numParams());
    }

    @Test
    void build_mlp_dropoutAsRetainProbabilityOnLayersFedByHiddenUnits() {
        MultiLayerNetwork net = NetworkFactory.build(mlp("sgd", 0.2, 1), 4);
        assertEquals(3, net.getnLayers());
        DenseLayer first = (DenseLayer) net.getLayer(0).conf().getLayer();
        DenseLayer second = (DenseLayer) net.getLayer(1).conf().getLayer();
        OutputLayer out = (OutputLayer) net.getLayer(2).conf().getLayer();
        assertNull(first.getIDropout(), "raw inputs are not dropped");
        assertEquals(0.8, ((Dropout) second.getIDropout()).getP(), 1e-12);
        assertEquals(0.8, ((Dropout) out.getIDropout()).getP(), 1e-12);
        assertEquals("tanh", first.getActivationFn().toString());
        assertEquals(4 * 5 + 5 + 5 * 3 + 3 + 3 + 1, net.numParams());
    }

    @Test
    void build_updaterFromSpec() {
        BaseLayer sgd = (BaseLayer) NetworkFactory.build(mlp("sgd", 0, 1), 4).getLayer(0).conf().getLayer();
        BaseLayer adam = (BaseLayer) NetworkFactory.build(mlp("adam", 0, 1), 4).getLayer(0).conf().getLayer();
        assertTrue(sgd.getIUpdater() instanceof Sgd, sgd.getIUpdater().toString());
        assertTrue(adam.getIUpdater() instanceof Adam, adam.getIUpdater().toString());
    }

    @Test
    void build_zeroInputs_rejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NetworkFactory.build(ModelSpec.logistic(), 0));
        assertTrue(e.getMessage().contains("got 0"), e.getMessage());
    }
}
