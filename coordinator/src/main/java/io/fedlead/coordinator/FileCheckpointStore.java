package io.fedlead.coordinator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.fedlead.core.model.ModelCheckpoint;
import io.fedlead.core.model.ModelSpec;
import io.fedlead.core.model.NetworkFactory;
import io.fedlead.core.model.NetworkWeights;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Writes each round's global model as a DL4J model file with a JSON provenance file beside it:
 * {@code <dir>/<run>/round-003/model.zip}, {@code .../final/model.zip} and {@code .../history.json}, and the final
 * model's fairness audit as {@code .../audit.json}.
 */
public final class FileCheckpointStore implements CheckpointStore {
    private final Path runDir;
    private final MultiLayerNetwork network;

    public FileCheckpointStore(Path runDir, ModelSpec spec, int inputs) {
        this.runDir = runDir;
        this.network = NetworkFactory.build(spec, inputs);
    }

    public Path runDir() {
        return runDir;
    }

    @Override
    public synchronized Path saveRound(GlobalModel model, Map<String, Object> provenance) {
        return save(runDir.resolve(String.format("round-%03d", model.round())), model, provenance);
    }

    @Override
    public synchronized Path saveFinal(GlobalModel model, Map<String, Object> provenance, List<RoundSummary> history) {
        Path p = save(runDir.resolve("final"), model, provenance);
        writeJson(runDir.resolve("history.json"), history);
        return p;
    }

    @Override
    public synchronized Path saveAudit(Map<String, Object> audit) {
        Path file = runDir.resolve("audit.json");
        writeJson(file, audit);
        return file;
    }

    private Path save(Path dir, GlobalModel model, Map<String, Object> provenance) {
        try {
            Files.createDirectories(dir);
            NetworkWeights.set(network, model.weights());
            Path zip = dir.resolve("model.zip");
            ModelCheckpoint.save(zip, network, provenance);
            return zip;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint under " + dir, e);
        }
    }

    static void writeJson(Path file, Object value) {
        try {
            Files.createDirectories(file.getParent());
            new ObjectMapper().findAndRegisterModules().enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValue(file.toFile(), value);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
