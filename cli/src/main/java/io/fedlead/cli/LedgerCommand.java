package io.fedlead.cli;

import io.fedlead.client.ClientPrivacy;
import io.fedlead.client.LedgerEntry;
import io.fedlead.client.UpdateLedger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;

/** {@code fedlead client ledger}: the updates a client node sent, one row each, and its own ε. */
@Command(name = "ledger", mixinStandardHelpOptions = true,
        description = "Print a client's ledger of sent updates (round, run, model version, C, z, clipping-bit noise, pre-clip norm, "
                + "clipped, payload SHA-256 prefix, own epsilon) with totals.")
final class LedgerCommand implements java.util.concurrent.Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Option(names = "--ledger", required = true, description = "the client's JSON-lines ledger")
    Path ledger;
    @Option(names = "--delta", description = "delta of the total epsilon (default: the delta recorded in the ledger)")
    Double delta;

    @Override
    public Integer call() {
        if (!Files.exists(ledger)) {
            throw new ParameterException(spec.commandLine(), "--ledger " + ledger + " does not exist");
        }
        UpdateLedger l = UpdateLedger.open(ledger);
        List<LedgerEntry> entries = l.entries();
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "%5s  %-20s  %-8s  %8s  %8s  %8s  %12s  %-7s  %-12s  %9s%n", "round", "run", "version", "C",
                "z", "bit-sd", "pre-clip", "clipped", "sha256", "epsilon");
        for (LedgerEntry e : entries) {
            out.printf(Locale.ROOT, "%5d  %-20s  %-8s  %8.4g  %8.4g  %8.4g  %12.6g  %-7s  %-12s  %9.4f%n", e.round(),
                    abbreviate(e.run(), 20), e.modelVersion(), e.clipNorm(), e.noiseMultiplier(), e.clippedBitStddev(),
                    e.preClipNorm(),
                    e.clipped() ? "yes" : "no", e.payloadSha256().substring(0, 12), e.epsilon());
        }
        double d = delta != null ? delta : entries.isEmpty() ? ClientPrivacy.DEFAULT_DELTA
                : entries.get(entries.size() - 1).delta();
        ClientPrivacy p = new ClientPrivacy(Optional.of(l), OptionalDouble.empty(), d, "n/a", Clock.systemUTC());
        long clipped = entries.stream().filter(LedgerEntry::clipped).count();
        out.printf(Locale.ROOT, "total: %d updates (%d clipped), epsilon %.4f at delta %s (composed without sampling "
                + "amplification)%n", entries.size(), clipped, p.epsilon(), d);
        return 0;
    }

    private static String abbreviate(String s, int n) {
        return s.length() <= n ? s : s.substring(0, n - 1) + "~";
    }
}
