package io.fedlead.core.strategy;

/**
 * How FedAvg weighs client updates: by training example count (plain FedAvg), or equally (DP mode, where
 * example counts are private and would raise the sensitivity).
 */
public enum Weighting {
    EXAMPLES,
    UNIFORM
}
