package io.fedlead.coordinator;

import io.fedlead.core.config.FederationConfig;
import io.fedlead.core.features.AuditColumn;
import io.fedlead.core.features.FeatureSchema;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the fairness audit of each federated evaluation covers: the configured columns, resolved against the schema
 * once at start-up (so a bad column stops the coordinator before any client joins), and the minimum group size.
 *
 * @param columns      the audit columns in configured order; empty = no audit
 * @param minGroupSize pooled groups with fewer holdout leads are reported without metrics
 */
record AuditPlan(List<AuditColumn> columns, int minGroupSize) {
    AuditPlan {
        columns = List.copyOf(columns);
        if (minGroupSize < 1) {
            throw new IllegalArgumentException("minGroupSize must be >= 1, got " + minGroupSize);
        }
    }

    /**
     * Resolves {@code evaluation.audit-groups} against the schema.
     *
     * @throws IllegalArgumentException naming the key and the column that cannot be audited
     */
    static AuditPlan of(FederationConfig.Evaluation evaluation, FeatureSchema schema) {
        Objects.requireNonNull(evaluation, "evaluation");
        List<AuditColumn> columns = new ArrayList<>();
        for (String name : evaluation.auditGroups()) {
            try {
                columns.add(AuditColumn.of(schema, name));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("'evaluation.audit-groups': " + e.getMessage(), e);
            }
        }
        return new AuditPlan(columns, evaluation.auditMinGroupSize());
    }

    boolean isEmpty() {
        return columns.isEmpty();
    }

    List<String> columnNames() {
        return columns.stream().map(AuditColumn::name).toList();
    }

    Optional<AuditColumn> column(String name) {
        return columns.stream().filter(c -> c.name().equals(name)).findFirst();
    }
}
