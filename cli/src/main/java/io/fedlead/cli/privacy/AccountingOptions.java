package io.fedlead.cli.privacy;

import io.fedlead.core.privacy.accounting.EpsilonConversion;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/** Options shared by the privacy subcommands, validated as they are parsed so errors name the option. */
final class AccountingOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    double sampleRate;
    int rounds;
    double delta;

    @Option(names = "--conversion", paramLabel = "classic|improved", defaultValue = "improved",
            converter = ConversionConverter.class,
            description = "RDP to (ε, δ) conversion: improved (Balle et al. 2020, default) or classic (Mironov 2017).")
    EpsilonConversion conversion;

    @Option(names = "--sample-rate", required = true, paramLabel = "Q",
            description = "Poisson sampling rate of clients per round, in [0, 1].")
    void setSampleRate(double q) {
        if (!(q >= 0.0 && q <= 1.0)) {
            throw invalid("--sample-rate", q + " is not in [0, 1]");
        }
        sampleRate = q;
    }

    @Option(names = "--rounds", required = true, paramLabel = "T", description = "Number of rounds (>= 0).")
    void setRounds(int t) {
        if (t < 0) {
            throw invalid("--rounds", t + " is negative");
        }
        rounds = t;
    }

    @Option(names = "--delta", required = true, paramLabel = "D", description = "Target δ, in (0, 1).")
    void setDelta(double d) {
        if (!(d > 0.0 && d < 1.0)) {
            throw invalid("--delta", d + " is not in (0, 1)");
        }
        delta = d;
    }

    ParameterException invalid(String option, String why) {
        return new ParameterException(spec.commandLine(), "Invalid value for option '" + option + "': " + why);
    }

    /** Parses "classic" / "improved" (any case); picocli names the option in its error. */
    static final class ConversionConverter implements ITypeConverter<EpsilonConversion> {
        @Override
        public EpsilonConversion convert(String value) {
            try {
                return EpsilonConversion.fromLabel(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
