package io.fedlead.client;

import io.fedlead.core.features.EncodedLeads;
import io.fedlead.core.features.FeatureEncoder;
import io.fedlead.core.features.FeatureSchema;
import io.fedlead.core.features.GroupValues;
import io.fedlead.core.features.LeadCsvReader;
import io.fedlead.core.features.LeadTable;

import java.nio.file.Path;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * A node's own leads, encoded and split once into a training part and a holdout kept for federated evaluation, with
 * the fairness-audit group of every holdout row (taken from its raw values). Rows never leave the node.
 */
public record LocalData(FeatureSchema schema, FeatureEncoder encoder, EncodedLeads train, EncodedLeads holdout,
                        GroupValues holdoutGroups) {
    public LocalData {
        Objects.requireNonNull(schema);
        Objects.requireNonNull(encoder);
        Objects.requireNonNull(holdoutGroups);
        if (train.rows() == 0) {
            throw new IllegalArgumentException(train.source() + ": no training rows left after the holdout split");
        }
        if (holdout.rows() == 0) {
            throw new IllegalArgumentException(train.source() + ": no holdout rows; use more data or a larger holdout fraction");
        }
        if (holdoutGroups.rows() != holdout.rows()) {
            throw new IllegalArgumentException(train.source() + ": " + holdoutGroups.rows() + " group rows for "
                    + holdout.rows() + " holdout rows");
        }
    }

    /** Reads and encodes a CSV; errors name the file, line and column. */
    public static LocalData load(Path csv, FeatureSchema schema, boolean skipBadRows, double holdoutFraction,
                                 RandomGenerator rng) {
        LeadTable table = LeadCsvReader.read(csv, schema, skipBadRows);
        return of(table, schema, skipBadRows, holdoutFraction, rng);
    }

    public static LocalData of(LeadTable table, FeatureSchema schema, boolean skipBadRows, double holdoutFraction,
                               RandomGenerator rng) {
        FeatureEncoder encoder = new FeatureEncoder(schema);
        EncodedLeads all = encoder.encode(table, true, skipBadRows);
        boolean[] inHoldout = EncodedLeads.holdoutMask(all, holdoutFraction, rng);
        EncodedLeads.Split split = EncodedLeads.split(all, inHoldout);
        GroupValues groups = GroupValues.of(table, all, schema).subset(inHoldout);
        return new LocalData(schema, encoder, split.train(), split.holdout(), groups);
    }
}
