package io.fedlead.cli.privacy;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code fedlead privacy}: differential-privacy accounting for Poisson-sampled Gaussian rounds (Rényi-DP
 * accountant), with {@code epsilon} to read off the spend and {@code calibrate} to choose the noise.
 */
@Command(name = "privacy", mixinStandardHelpOptions = true,
        description = "Rényi-DP accounting for rounds of the Poisson-subsampled Gaussian mechanism.",
        subcommands = {EpsilonCommand.class, CalibrateCommand.class})
public final class PrivacyCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing required subcommand: epsilon or calibrate");
    }
}
