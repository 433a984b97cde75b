package io.fedlead.coordinator;

import com.google.protobuf.ByteString;
import io.fedlead.core.model.ModelWeights;

import java.util.Objects;

/**
 * One version of the global model, with its wire bytes cached so that every download slices the same buffer.
 *
 * @param version e.g. "r0" for the initial model, "r3" after round 3
 * @param round   the round that produced it (0 = initial)
 */
public record GlobalModel(String version, int round, ModelWeights weights, ByteString bytes, String sha256) {
    public GlobalModel {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(weights, "weights");
        Objects.requireNonNull(bytes, "bytes");
        Objects.requireNonNull(sha256, "sha256");
        if (bytes.size() != weights.layout().byteSize()) {
            throw new IllegalArgumentException("model " + version + " has " + bytes.size() + " bytes, layout needs "
                    + weights.layout().byteSize());
        }
    }

    public static GlobalModel of(int round, ModelWeights weights) {
        byte[] raw = weights.toLittleEndianBytes();
        return new GlobalModel("r" + round, round, weights, ByteString.copyFrom(raw), ModelWeights.sha256Hex(raw));
    }
}
