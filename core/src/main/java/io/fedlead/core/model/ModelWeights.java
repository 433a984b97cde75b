package io.fedlead.core.model;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A model's parameters (or an update to them) as one flat float vector plus its layout.
 *
 * <p>The array is owned by this object: callers must not mutate {@link #values()} after construction
 * (it is not copied, because models may have millions of parameters).
 */
public record ModelWeights(ModelLayout layout, float[] values) {
    public ModelWeights {
        Objects.requireNonNull(layout, "layout");
        Objects.requireNonNull(values, "values");
        if (values.length != layout.parameterCount()) {
            throw new IllegalArgumentException("layout has " + layout.parameterCount()
                    + " parameters but " + values.length + " values were given");
        }
    }

    public int size() {
        return values.length;
    }

    /** Little-endian float32 bytes, the wire and hashing format. */
    public byte[] toLittleEndianBytes() {
        ByteBuffer buf = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(values);
        return buf.array();
    }

    /** Decodes little-endian float32 bytes; the byte count must match the layout exactly. */
    public static ModelWeights fromLittleEndianBytes(ModelLayout layout, byte[] bytes) {
        if (bytes.length != layout.byteSize()) {
            throw new IllegalArgumentException("expected " + layout.byteSize() + " bytes for "
                    + layout.parameterCount() + " parameters, got " + bytes.length);
        }
        float[] v = new float[layout.parameterCount()];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
        return new ModelWeights(layout, v);
    }

    /** SHA-256 (lower-case hex) of the little-endian float32 bytes; names a model version on the wire. */
    public String sha256() {
        return sha256Hex(toLittleEndianBytes());
    }

    public static String sha256Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelWeights w && layout.equals(w.layout) && java.util.Arrays.equals(values, w.values);
    }

    @Override
    public int hashCode() {
        return 31 * layout.hashCode() + java.util.Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return "ModelWeights[" + layout.parameterCount() + " parameters in " + layout.tensors().size() + " tensors]";
    }
}
