package io.fedlead.core.model;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;

/**
 * Saves a global model as a DL4J model file ({@code model.zip}) with a JSON provenance file beside it
 * ({@code model.provenance.json}): config, run id, round, clients, example counts, metrics, privacy spent, versions.
 */
public final class ModelCheckpoint {
    /** DL4J version the project is built against, used when the jar carries no version metadata. */
    static final String DL4J_BUILD_VERSION = "1.0.0-M2.1";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ModelCheckpoint() {
    }

    /** A network loaded from a checkpoint, with the provenance saved beside it. */
    public record LoadedModel(MultiLayerNetwork net, Map<String, Object> provenance) {
        public LoadedModel {
            Objects.requireNonNull(net, "net");
            provenance = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(provenance));
        }
    }

    /** The provenance file that belongs to a model file: {@code x.zip -> x.provenance.json}. */
    public static Path provenancePath(Path zip) {
        String name = zip.getFileName().toString();
        String stem = name.endsWith(".zip") ? name.substring(0, name.length() - 4) : name;
        return zip.resolveSibling(stem + ".provenance.json");
    }

    /**
     * Writes the network (without updater state: a global model is only weights) and its provenance.
     * Each file is written to a temporary sibling and then moved into place, so a reader never sees a
     * half-written model.
     */
    public static void save(Path zip, MultiLayerNetwork net, Map<String, Object> provenance) throws IOException {
        Objects.requireNonNull(zip, "zip");
        Objects.requireNonNull(net, "net");
        Objects.requireNonNull(provenance, "provenance");
        Path dir = zip.toAbsolutePath().getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        Path provenanceFile = provenancePath(zip);
        Path tmpJson = provenanceFile.resolveSibling(provenanceFile.getFileName() + ".tmp");
        JSON.writeValue(tmpJson.toFile(), provenance);
        Path tmpZip = zip.resolveSibling(zip.getFileName() + ".tmp");
        ModelSerializer.writeModel(net, tmpZip.toFile(), false);
        move(tmpJson, provenanceFile);
        move(tmpZip, zip);
    }

    /** Loads a model and its provenance; both files must exist. */
    public static LoadedModel load(Path zip) throws IOException {
        Objects.requireNonNull(zip, "zip");
        if (!Files.isRegularFile(zip)) {
            throw new IllegalArgumentException("model file " + zip + " does not exist");
        }
        Path provenanceFile = provenancePath(zip);
        if (!Files.isRegularFile(provenanceFile)) {
            throw new IllegalArgumentException("model file " + zip + " has no provenance file " + provenanceFile);
        }
        Map<String, Object> provenance = JSON.readValue(provenanceFile.toFile(), new TypeReference<LinkedHashMap<String, Object>>() { });
        MultiLayerNetwork net = ModelSerializer.restoreMultiLayerNetwork(zip.toFile(), false);
        return new LoadedModel(net, provenance);
    }

    /** Versions for provenance: java, dl4j, fedlead ("dev" when not running from a built jar). */
    public static Map<String, String> versions() {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("java", System.getProperty("java.version"));
        v.put("dl4j", mavenVersion(MultiLayerNetwork.class, "org.deeplearning4j", "deeplearning4j-nn", DL4J_BUILD_VERSION));
        v.put("fedlead", mavenVersion(ModelCheckpoint.class, "io.fedlead", "fedlead-core", "dev"));
        return java.util.Collections.unmodifiableMap(v);
    }

    // Maven puts META-INF/maven/<group>/<artifact>/pom.properties in every jar it builds; the DL4J jars'
    // manifests carry no Implementation-Version, so this is the reliable source.
    private static String mavenVersion(Class<?> anchor, String group, String artifact, String fallback) {
        String resource = "/META-INF/maven/" + group + "/" + artifact + "/pom.properties";
        try (InputStream in = anchor.getResourceAsStream(resource)) {
            if (in == null) {
                return fallback;
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", fallback);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
