package io.fedlead.cli;

import io.fedlead.client.ClientPrivacy;
import io.fedlead.client.UpdateLedger;
import io.fedlead.core.privacy.NoiseSources;
import io.fedlead.core.privacy.PrivatizedUpdate;
import io.fedlead.core.privacy.accounting.RdpAccountant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClientLedgerCommandTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cl = FedLeadCli.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test
    void clientLedger_twoUpdates_printsRowsAndTotalEpsilon(@TempDir Path dir) {
        Path file = dir.resolve("unit-a.ledger.jsonl");
        ClientPrivacy p = new ClientPrivacy(Optional.of(UpdateLedger.open(file)), OptionalDouble.empty(), 1e-5,
                NoiseSources.SECURE_DESCRIPTION, Clock.systemUTC());
        p.record("run-1", 1, "r0", new PrivatizedUpdate(new float[1], 2.5, true, 1.0, 1.0), 0, "0123456789ab".repeat(5) + "cdef", 120);
        p.record("run-1", 2, "r1", new PrivatizedUpdate(new float[1], 0.5, false, 1.0, 1.0), 0, "fedcba987654".repeat(5) + "3210", 120);
        int code = run("client", "ledger", "--ledger", file.toString());
        assertEquals(0, code, err.toString());
        String text = out.toString();
        System.out.print(text);
        double eps2 = RdpAccountant.withDefaultOrders().advance(1.0, 1.0, 2).epsilon(1e-5).epsilon();
        assertTrue(text.contains("0123456789ab") && text.contains("fedcba987654"), text);
        assertTrue(text.contains(String.format(Locale.ROOT, "total: 2 updates (1 clipped), epsilon %.4f at delta 1.0E-5", eps2)), text);
        assertEquals(4, text.lines().count(), text);
    }

    @Test
    void clientLedger_corruptLine_exitTwoNamingFileAndLine(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bad.ledger.jsonl");
        Files.writeString(file, "{oops\n");
        int code = run("client", "ledger", "--ledger", file.toString());
        assertEquals(2, code);
        assertTrue(err.toString().contains(file + " line 1"), err.toString());
    }

    @Test
    void client_withoutCoordinator_usageErrorNamesOption() {
        int code = run("client", "--name", "unit-a");
        assertEquals(2, code);
        assertTrue(err.toString().contains("--coordinator"), err.toString());
    }
}
