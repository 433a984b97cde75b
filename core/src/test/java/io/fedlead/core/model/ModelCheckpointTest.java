package io.fedlead.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelCheckpointTest {
    @TempDir
    Path dir;

    @Test
    void saveThenLoad_keepsWeightsAndProvenance() throws IOException {
        MultiLayerNetwork net = NetworkFactory.build(new ModelSpec("mlp", List.of(3), "tanh", 0.1, 1e-3, "adam", 4), 2);
        Map<String, Object> provenance = new LinkedHashMap<>();
        provenance.put("run-id", "run-7");
        provenance.put("round", 12);
        provenance.put("clients", List.of("acme", "globex"));
        provenance.put("metrics", Map.of("auc", 0.81));
        provenance.put("versions", ModelCheckpoint.versions());
        Path zip = dir.resolve("out/model.zip");

        ModelCheckpoint.save(zip, net, provenance);
        ModelCheckpoint.LoadedModel loaded = ModelCheckpoint.load(zip);

        assertEquals(NetworkWeights.get(net), NetworkWeights.get(loaded.net()));
        assertEquals(provenance, loaded.provenance());
        assertTrue(Files.isRegularFile(dir.resolve("out/model.provenance.json")));
        String json = Files.readString(dir.resolve("out/model.provenance.json"));
        assertTrue(json.contains("\n  \"round\" : 12,"), "pretty-printed: " + json);
        try (var files = Files.list(dir.resolve("out"))) {
            assertEquals(2, files.count(), "no temporary files left behind");
        }
    }

    @Test
    void load_missingProvenance_rejectedNamingTheFile() throws IOException {
        Path zip = dir.resolve("model.zip");
        ModelCheckpoint.save(zip, NetworkFactory.build(ModelSpec.logistic(), 2), Map.of());
        Files.delete(dir.resolve("model.provenance.json"));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelCheckpoint.load(zip));

        assertTrue(e.getMessage().contains("model.provenance.json"), e.getMessage());
    }

    @Test
    void provenancePath_replacesZipSuffix() {
        assertEquals(Path.of("a/round-3.provenance.json"), ModelCheckpoint.provenancePath(Path.of("a/round-3.zip")));
        assertEquals(Path.of("a/model.provenance.json"), ModelCheckpoint.provenancePath(Path.of("a/model")));
    }

    @Test
    void versions_readsDl4jVersionFromItsJar() {
        Map<String, String> v = ModelCheckpoint.versions();
        assertEquals(List.of("java", "dl4j", "fedlead"), List.copyOf(v.keySet()));
        assertEquals("1.0.0-M2.1", v.get("dl4j"));
        assertEquals(System.getProperty("java.version"), v.get("java"));
    }
}
