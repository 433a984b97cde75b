package io.fedlead.cli.privacy;

import io.fedlead.core.privacy.accounting.PrivacySpent;
import io.fedlead.core.privacy.accounting.RdpAccountant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code fedlead privacy epsilon}: the (ε, δ) spent by T rounds at sampling rate q and noise multiplier z. */
@Command(name = "epsilon", mixinStandardHelpOptions = true,
        description = "Print the ε spent at δ by T rounds of the sampled Gaussian mechanism, and the optimal RDP order.")
public final class EpsilonCommand implements Callable<Integer> {
    @Mixin
    AccountingOptions options;

    private double noiseMultiplier;

    @Option(names = "--noise-multiplier", required = true, paramLabel = "Z",
            description = "Noise standard deviation divided by the clipping norm (>= 0).")
    void setNoiseMultiplier(double z) {
        if (!(z >= 0.0) || Double.isInfinite(z)) {
            throw options.invalid("--noise-multiplier", z + " is not a finite number >= 0");
        }
        noiseMultiplier = z;
    }

    @Override
    public Integer call() {
        PrivacySpent spent = RdpAccountant.withDefaultOrders()
                .advance(options.sampleRate, noiseMultiplier, options.rounds)
                .epsilon(options.delta, options.conversion);
        options.spec.commandLine().getOut().println(Formats.spent(spent) + " rounds=" + options.rounds
                + " sample-rate=" + Formats.compact(options.sampleRate)
                + " noise-multiplier=" + Formats.compact(noiseMultiplier));
        options.spec.commandLine().getOut().flush();
        return 0;
    }
}
