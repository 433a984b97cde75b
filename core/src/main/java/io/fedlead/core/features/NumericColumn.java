package io.fedlead.core.features;

import java.util.ArrayList;
import java.util.List;

/**
 * A numeric column, encoded as {@code (f(x) - center) / scale} where {@code f} is {@code log1p} when enabled,
 * then clamped to {@code [-clip, clip]} when {@code clip > 0}. {@code center} and {@code scale} are part of the
 * shared schema (not fitted locally) so that every client encodes identically.
 *
 * @param name      CSV header name
 * @param missing   missing-value policy (default {@code default}: the center, i.e. standardised 0)
 * @param center    required; subtracted after the optional log1p
 * @param scale     required, positive and finite
 * @param log1p     apply {@code Math.log1p} first (for skewed counts); values must then be > -1
 * @param clip      bound on the standardised value; 0 (the default) means no clipping
 * @param sentinels raw values that mean "missing" (bank marketing: pdays 999 = never contacted)
 */
public record NumericColumn(String name, MissingPolicy missing, Double center, Double scale, boolean log1p,
                            double clip, List<Double> sentinels) implements ColumnSpec {
    public NumericColumn {
        ColumnSpec.requireName(name);
        missing = missing == null ? MissingPolicy.DEFAULT : missing;
        if (center == null || scale == null) {
            throw new IllegalArgumentException("column '" + name + "': numeric columns need 'center' and 'scale'"
                    + " (shared standardisation, identical on every client), got center " + center + ", scale " + scale);
        }
        if (!Double.isFinite(center)) {
            throw new IllegalArgumentException("column '" + name + "': center must be finite, got " + center);
        }
        if (!(scale > 0) || !Double.isFinite(scale)) {
            throw new IllegalArgumentException("column '" + name + "': scale must be positive and finite, got " + scale);
        }
        if (!(clip >= 0) || !Double.isFinite(clip)) {
            throw new IllegalArgumentException("column '" + name + "': clip must be >= 0 (0 = none), got " + clip);
        }
        sentinels = sentinels == null ? List.of() : List.copyOf(sentinels);
    }

    @Override
    public List<String> featureNames() {
        List<String> names = new ArrayList<>(2);
        names.add(name);
        if (missing == MissingPolicy.INDICATOR) {
            names.add(ColumnSpec.missingSlotName(name));
        }
        return List.copyOf(names);
    }

    @Override
    public String typeName() {
        return "numeric";
    }

    /** True when {@code raw} equals one of the sentinels. */
    public boolean isSentinel(double raw) {
        for (double s : sentinels) {
            if (s == raw) {
                return true;
            }
        }
        return false;
    }

    /** The standardised value of a (non-missing, non-sentinel) raw number; NaN when log1p is undefined. */
    public double standardize(double raw) {
        double v = log1p ? Math.log1p(raw) : raw;
        double z = (v - center) / scale;
        if (clip > 0) {
            z = Math.max(-clip, Math.min(clip, z));
        }
        return z;
    }
}
