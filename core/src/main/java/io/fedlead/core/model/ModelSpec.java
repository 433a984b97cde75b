package io.fedlead.core.model;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What network to build: logistic regression (no hidden layer) or an MLP. Output is always one sigmoid
 * unit trained with binary cross-entropy.
 *
 * @param type        "logistic" or "mlp"
 * @param hiddenSizes hidden layer widths (empty for logistic)
 * @param activation  hidden activation: relu, tanh, leakyrelu, elu, sigmoid
 * @param dropout     probability of dropping a hidden unit during training, in [0, 1)
 * @param l2          L2 weight penalty, >= 0
 * @param updater     local optimiser: "sgd" or "adam"
 * @param initSeed    seed of the initial global weights (chosen by the coordinator)
 */
public record ModelSpec(String type, List<Integer> hiddenSizes, String activation, double dropout, double l2,
                        String updater, long initSeed) {
    public static final List<String> TYPES = List.of("logistic", "mlp");
    public static final List<String> ACTIVATIONS = List.of("relu", "tanh", "leakyrelu", "elu", "sigmoid");
    public static final List<String> UPDATERS = List.of("sgd", "adam");

    public ModelSpec {
        Objects.requireNonNull(type, "type");
        type = type.toLowerCase(Locale.ROOT);
        if (!TYPES.contains(type)) {
            throw new IllegalArgumentException("model type '" + type + "' is not one of " + TYPES);
        }
        hiddenSizes = hiddenSizes == null ? List.of() : List.copyOf(hiddenSizes);
        if (type.equals("logistic") && !hiddenSizes.isEmpty()) {
            throw new IllegalArgumentException("a logistic model has no hidden layers, got hidden-sizes " + hiddenSizes);
        }
        if (type.equals("mlp") && hiddenSizes.isEmpty()) {
            throw new IllegalArgumentException("an mlp model needs at least one hidden size");
        }
        for (int h : hiddenSizes) {
            if (h <= 0) {
                throw new IllegalArgumentException("hidden size must be positive, got " + h);
            }
        }
        activation = activation == null ? "relu" : activation.toLowerCase(Locale.ROOT);
        if (!ACTIVATIONS.contains(activation)) {
            throw new IllegalArgumentException("activation '" + activation + "' is not one of " + ACTIVATIONS);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
        }
        if (!(l2 >= 0) || Double.isInfinite(l2)) {
            throw new IllegalArgumentException("l2 must be >= 0, got " + l2);
        }
        updater = updater == null ? "sgd" : updater.toLowerCase(Locale.ROOT);
        if (!UPDATERS.contains(updater)) {
            throw new IllegalArgumentException("updater '" + updater + "' is not one of " + UPDATERS);
        }
    }

    public static ModelSpec logistic() {
        return new ModelSpec("logistic", List.of(), "relu", 0, 0, "sgd", 42);
    }

    public static ModelSpec mlp(List<Integer> hidden) {
        return new ModelSpec("mlp", hidden, "relu", 0, 1e-4, "sgd", 42);
    }
}
