package io.fedlead.core.model;

import java.util.List;
import java.util.Objects;

/** One named tensor of a model's parameters; its values sit contiguously in the flat weight vector. */
public record TensorSpec(String name, List<Long> shape) {
    public TensorSpec {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("tensor name must not be blank");
        }
        shape = List.copyOf(shape);
        for (Long dim : shape) {
            if (dim == null || dim < 0) {
                throw new IllegalArgumentException("tensor '" + name + "' has a bad dimension " + dim + " in " + shape);
            }
        }
        checkedSize(name, shape);
    }

    /** Number of scalar parameters in this tensor. */
    public long size() {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    private static long checkedSize(String name, List<Long> shape) {
        try {
            long n = 1;
            for (long d : shape) {
                n = Math.multiplyExact(n, d);
            }
            return n;
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("tensor '" + name + "' shape " + shape + " has more elements than a long holds");
        }
    }

    @Override
    public String toString() {
        return name + shape;
    }
}
