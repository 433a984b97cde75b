package io.fedlead.cli.privacy;

import io.fedlead.core.privacy.accounting.NoiseCalibration;
import io.fedlead.core.privacy.accounting.NoiseCalibrator;
import io.fedlead.core.privacy.accounting.PrivacySpent;
import io.fedlead.core.privacy.accounting.RdpAccountant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code fedlead privacy calibrate}: the smallest noise multiplier keeping T rounds within a target (ε, δ). */
@Command(name = "calibrate", mixinStandardHelpOptions = true,
        description = "Print the smallest noise multiplier whose T rounds at rate Q spend at most ε at δ.")
public final class CalibrateCommand implements Callable<Integer> {
    @Mixin
    AccountingOptions options;

    private double targetEpsilon;

    @Option(names = "--epsilon", required = true, paramLabel = "E", description = "Target ε (> 0).")
    void setTargetEpsilon(double e) {
        if (!(e > 0.0) || Double.isInfinite(e)) {
            throw options.invalid("--epsilon", e + " is not a finite number > 0");
        }
        targetEpsilon = e;
    }

    @Override
    public Integer call() {
        RdpAccountant fresh = RdpAccountant.withDefaultOrders();
        NoiseCalibration calibration;
        try {
            calibration = new NoiseCalibrator(fresh, options.conversion)
                    .calibrate(targetEpsilon, options.delta, options.sampleRate, options.rounds);
        } catch (IllegalArgumentException e) {
            throw options.invalid("--epsilon", e.getMessage());
        }
        // Report the rounded-up z and the spend at exactly that z, so the line can be checked with `epsilon`.
        double z = Formats.roundUpNoise(calibration.noiseMultiplier());
        PrivacySpent spent = fresh.advance(options.sampleRate, z, options.rounds)
                .epsilon(options.delta, options.conversion);
        options.spec.commandLine().getOut().println("noise-multiplier=" + Formats.compact(z) + " "
                + Formats.spent(spent) + " rounds=" + options.rounds
                + " sample-rate=" + Formats.compact(options.sampleRate)
                + " target-epsilon=" + Formats.compact(targetEpsilon));
        options.spec.commandLine().getOut().flush();
        return 0;
    }
}
