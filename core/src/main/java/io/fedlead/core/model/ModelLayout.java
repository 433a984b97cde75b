package io.fedlead.core.model;

import java.util.List;

/**
 * The ordered tensors of a model. The flat weight vector is their concatenation in this order, which is
 * also the order of the little-endian float32 bytes on the wire.
 */
public record ModelLayout(List<TensorSpec> tensors) {
    public ModelLayout {
        tensors = List.copyOf(tensors);
        if (tensors.isEmpty()) {
            throw new IllegalArgumentException("a model layout needs at least one tensor");
        }
        long total = 0;
        for (TensorSpec t : tensors) {
            if (t.size() > Integer.MAX_VALUE - total) {
                throw new IllegalArgumentException("model has more than " + Integer.MAX_VALUE
                        + " parameters (at tensor " + t + "); at most " + Integer.MAX_VALUE + " are supported");
            }
            total += t.size();
        }
    }

    /** Total number of scalar parameters. */
    public int parameterCount() {
        long total = 0;
        for (TensorSpec t : tensors) {
            total += t.size();
        }
        return (int) total;
    }

    /** Size in bytes of the flat vector as little-endian float32. */
    public long byteSize() {
        return 4L * parameterCount();
    }

    /** A human-readable description of how this layout differs from another, or "" if equal. */
    public String describeDifference(ModelLayout other) {
        if (equals(other)) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        int n = Math.max(tensors.size(), other.tensors.size());
        for (int i = 0; i < n; i++) {
            TensorSpec a = i < tensors.size() ? tensors.get(i) : null;
            TensorSpec b = i < other.tensors.size() ? other.tensors.get(i) : null;
            if (a == null || !a.equals(b)) {
                if (sb.length() > 0) {
                    sb.append("; ");
                }
                sb.append("tensor ").append(i).append(": expected ").append(a == null ? "none" : a)
                        .append(", got ").append(b == null ? "none" : b);
            }
        }
        return sb.toString();
    }
}
