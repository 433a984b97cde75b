package io.fedlead.client;

import io.fedlead.core.privacy.AdaptiveClipping;
import io.fedlead.core.privacy.PrivatizedUpdate;
import io.fedlead.core.privacy.accounting.RdpAccountant;

import java.time.Clock;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * A client's own view of its privacy: the ledger of what it sent, its own ε, and its budget.
 *
 * <p>The client's ε composes its participations WITHOUT sampling amplification: each update it sent is one step of
 * the Gaussian mechanism at q = 1 with the noise multiplier it actually used (z, or under adaptive clipping the z
 * equivalent to z_Δ plus the bit noise σ_b). It cannot rely on the coordinator that chose it having sampled at
 * random, so this is larger than the coordinator's ε but holds whatever the coordinator does.
 */
public final class ClientPrivacy {
    /** Default δ of the client's own ε. */
    public static final double DEFAULT_DELTA = 1e-5;

    private final Optional<UpdateLedger> ledger;
    private final OptionalDouble maxEpsilon;
    private final double delta;
    private final String noiseSource;
    private final Clock clock;
    private final double minNoiseMultiplier;
    private RdpAccountant accountant = RdpAccountant.withDefaultOrders();

    /**
     * @param ledger      where sent updates are recorded; its existing entries count towards ε
     * @param maxEpsilon  budget: tasks that would take ε past it are declined
     * @param delta       δ of the client's ε
     * @param noiseSource description of the update-noise generator, for the ledger
     * @param clock       timestamps of ledger lines
     */
    public ClientPrivacy(Optional<UpdateLedger> ledger, OptionalDouble maxEpsilon, double delta, String noiseSource,
                         Clock clock) {
        this(ledger, maxEpsilon, delta, noiseSource, clock, 0);
    }

    /**
     * @param minNoiseMultiplier the client's own floor: tasks whose noise (z, or z_Δ combined with the clipping-bit
     *                           noise) is below it are declined, whatever the coordinator asks (0 = no floor)
     */
    public ClientPrivacy(Optional<UpdateLedger> ledger, OptionalDouble maxEpsilon, double delta, String noiseSource,
                         Clock clock, double minNoiseMultiplier) {
        if (!(minNoiseMultiplier >= 0) || Double.isInfinite(minNoiseMultiplier)) {
            throw new IllegalArgumentException("min-noise-multiplier must be >= 0 and finite, got " + minNoiseMultiplier);
        }
        this.minNoiseMultiplier = minNoiseMultiplier;
        this.ledger = Objects.requireNonNull(ledger, "ledger");
        this.maxEpsilon = Objects.requireNonNull(maxEpsilon, "maxEpsilon");
        if (maxEpsilon.isPresent() && !(maxEpsilon.getAsDouble() > 0)) {
            throw new IllegalArgumentException("max-epsilon must be > 0, got " + maxEpsilon.getAsDouble());
        }
        if (!(delta > 0 && delta < 1)) {
            throw new IllegalArgumentException("delta must be in (0, 1), got " + delta);
        }
        this.delta = delta;
        this.noiseSource = Objects.requireNonNull(noiseSource, "noiseSource");
        this.clock = Objects.requireNonNull(clock, "clock");
        ledger.ifPresent(l -> {
            for (LedgerEntry e : l.entries()) {
                accountant = accountant.advance(1.0, participationNoiseMultiplier(e.noiseMultiplier(), e.clippedBitStddev()), 1);
            }
        });
    }

    /** No ledger and no budget (simulations); ε is still tracked in memory. */
    public static ClientPrivacy unrecorded(String noiseSource) {
        return new ClientPrivacy(Optional.empty(), OptionalDouble.empty(), DEFAULT_DELTA, noiseSource, Clock.systemUTC());
    }

    /** The noise multiplier one participation is charged at: z_Δ combined with the bit noise σ_b (0 = no bit). */
    public static double participationNoiseMultiplier(double noiseMultiplier, double clippedBitStddev) {
        return AdaptiveClipping.totalNoiseMultiplier(noiseMultiplier, clippedBitStddev);
    }

    public synchronized double epsilon() {
        return accountant.steps() == 0 ? 0 : accountant.epsilon(delta).epsilon();
    }

    public double delta() {
        return delta;
    }

    public OptionalDouble maxEpsilon() {
        return maxEpsilon;
    }

    public Optional<UpdateLedger> ledger() {
        return ledger;
    }

    /** ε after one more participation with these settings. */
    public synchronized double epsilonAfter(double noiseMultiplier, double clippedBitStddev) {
        return accountant.advance(1.0, participationNoiseMultiplier(noiseMultiplier, clippedBitStddev), 1)
                .epsilon(delta).epsilon();
    }

    /**
     * Why this client must decline a task with these settings (its noise is below the client's floor, or it would
     * exceed max-epsilon), or empty.
     */
    public synchronized Optional<String> refusal(double noiseMultiplier, double clippedBitStddev) {
        double effective = participationNoiseMultiplier(noiseMultiplier, clippedBitStddev);
        if (effective < minNoiseMultiplier) {
            return Optional.of(String.format(Locale.ROOT,
                    "client noise floor: the task's noise multiplier %.4f is below this client's min-noise-multiplier %.4f",
                    effective, minNoiseMultiplier));
        }
        if (maxEpsilon.isEmpty()) {
            return Optional.empty();
        }
        double now = epsilon();
        double after = epsilonAfter(noiseMultiplier, clippedBitStddev);
        if (after <= maxEpsilon.getAsDouble()) {
            return Optional.empty();
        }
        return Optional.of(String.format(Locale.ROOT,
                "client privacy budget: this update (z=%.4f%s, no sampling amplification) would raise this client's "
                        + "epsilon from %.4f to %.4f, past its max-epsilon %.4f (delta %.1e)",
                noiseMultiplier, clippedBitStddev > 0 ? String.format(Locale.ROOT, ", bit noise %.4f", clippedBitStddev) : "",
                now, after, maxEpsilon.getAsDouble(), delta));
    }

    /** Counts one update about to be sent and appends its ledger line; returns the line. */
    public synchronized LedgerEntry record(String run, int round, String modelVersion, PrivatizedUpdate update,
                                           double clippedBitStddev, String payloadSha256, long examples) {
        RdpAccountant next = accountant.advance(1.0,
                participationNoiseMultiplier(update.noiseMultiplier(), clippedBitStddev), 1);
        LedgerEntry entry = new LedgerEntry(clock.instant().toString(), run, round, modelVersion, update.clipNorm(),
                update.noiseMultiplier(), clippedBitStddev, update.preClipNorm(), update.wasClipped(), payloadSha256,
                examples, next.epsilon(delta).epsilon(), delta, noiseSource);
        ledger.ifPresent(l -> l.append(entry));
        accountant = next;
        return entry;
    }
}
