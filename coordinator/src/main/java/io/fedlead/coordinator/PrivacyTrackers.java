package io.fedlead.coordinator;

import io.fedlead.core.config.FederationConfig;
import io.fedlead.core.privacy.accounting.PrivacySpent;
import io.fedlead.core.privacy.accounting.RdpAccountant;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Chooses the privacy tracker for a run. */
final class PrivacyTrackers {
    private PrivacyTrackers() {
    }

    static PrivacyTracker forConfig(FederationConfig config) {
        return new Rdp(RdpAccountant.withDefaultOrders());
    }

    /**
     * Client-level (ε, δ) of the released global models: each round attempt that released updates is one step of the
     * Poisson-subsampled Gaussian mechanism with noise multiplier z, composed with Rényi DP and converted at the
     * configured δ. With {@code aggregation.weighting: fixed-denominator} clients ARE Poisson-sampled at q =
     * fraction-fit and the aggregate is sum / (q·N), as the analysis assumes; otherwise a fixed-size sample is taken
     * and q = sampled / registered, which approximates it. Every client noises its own clipped update with std zC
     * (z_Δ·C plus the clipping bits' noise under adaptive clipping), so the sum carries at least the noise this
     * accounting assumes.
     */
    static final class Rdp implements PrivacyTracker {
        private RdpAccountant accountant;
        private PrivacySpent spent;
        private final List<Map<String, Object>> steps = new ArrayList<>();

        Rdp(RdpAccountant accountant) {
            this.accountant = accountant;
        }

        @Override
        public synchronized double epsilon() {
            return spent == null ? 0 : spent.epsilon();
        }

        @Override
        public synchronized Optional<String> refuseRound(double q, FederationConfig config) {
            double target = config.privacy().targetEpsilon();
            if (target <= 0) {
                return Optional.empty();
            }
            double after = accountant.advance(q, config.training().noiseMultiplier(), 1)
                    .epsilon(config.privacy().delta()).epsilon();
            if (after > target) {
                return Optional.of(String.format(Locale.ROOT,
                        "privacy budget: the next round (q=%.4f, z=%.4f) would raise epsilon from %.4f to %.4f, past target-epsilon %.4f (delta %.1e)",
                        q, config.training().noiseMultiplier(), epsilon(), after, target, config.privacy().delta()));
            }
            return Optional.empty();
        }

        @Override
        public synchronized double commitRound(double q, FederationConfig config, Map<String, Object> details) {
            double z = config.training().noiseMultiplier();
            accountant = accountant.advance(q, z, 1);
            spent = accountant.epsilon(config.privacy().delta());
            Map<String, Object> step = new LinkedHashMap<>();
            step.put("sample-rate", q);
            step.put("noise-multiplier", z);
            step.put("epsilon-after", spent.epsilon());
            step.putAll(details);
            steps.add(step);
            return spent.epsilon();
        }

        @Override
        public synchronized Map<String, Object> describe(FederationConfig config) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("accountant", "RDP, Poisson-subsampled Gaussian mechanism, client level");
            m.put("sampling", config.aggregation().fixedDenominator()
                    ? "poisson (each client independently with q = fraction-fit); aggregate = sum / (q*N)"
                    : "fixed-size uniform sample; accounted as Poisson with q = sampled / registered (an approximation)");
            m.put("counted", "every round attempt that released updates, including redone ones");
            m.put("clip-norm", config.training().initialClipNorm());
            m.put("adaptive-clipping", config.training().adaptiveClipping().enabled());
            m.put("noise-multiplier", config.training().noiseMultiplier());
            m.put("delta", config.privacy().delta());
            m.put("epsilon", spent == null ? 0.0 : spent.epsilon());
            m.put("optimal-order", spent == null ? Double.NaN : spent.optimalOrder());
            m.put("conversion", spent == null ? "improved" : spent.conversion().label());
            m.put("target-epsilon", config.privacy().targetEpsilon());
            m.put("rounds-accounted", steps.size());
            m.put("steps", List.copyOf(steps));
            return m;
        }

        static int expectedSample(int active, FederationConfig config) {
            return Math.min(active, Math.max(config.minFitClients(), (int) Math.ceil(config.fractionFit() * active)));
        }
    }
}
