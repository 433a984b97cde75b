package io.fedlead.cli;

import io.fedlead.core.features.SyntheticLeadGenerator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** Writes synthetic lead CSVs, one per business unit, plus their schema. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Write synthetic B2B lead CSVs (one per business unit, with a known true conversion probability) "
                + "and the schema that reads them.")
final class GenerateCommand implements Callable<Integer> {
    @Option(names = "--units", defaultValue = "4", description = "business units (default ${DEFAULT-VALUE})")
    int units;
    @Option(names = "--rows", defaultValue = "2500", description = "leads per unit (default ${DEFAULT-VALUE})")
    int rows;
    @Option(names = "--out", defaultValue = "data", description = "output folder (default ${DEFAULT-VALUE})")
    Path out;
    @Option(names = "--seed", defaultValue = "20261130", description = "seed (default ${DEFAULT-VALUE})")
    long seed;

    @Override
    public Integer call() throws Exception {
        if (units < 1 || units > 26) {
            throw new IllegalArgumentException("--units is " + units + ": must be in [1, 26]");
        }
        if (rows < 1) {
            throw new IllegalArgumentException("--rows is " + rows + ": must be >= 1");
        }
        Files.createDirectories(out);
        SyntheticLeadGenerator generator = new SyntheticLeadGenerator(seed);
        try (var in = SyntheticLeadGenerator.class.getResourceAsStream(SyntheticLeadGenerator.SCHEMA_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("schema resource " + SyntheticLeadGenerator.SCHEMA_RESOURCE + " missing from the jar");
            }
            Files.write(out.resolve("schema.yaml"), in.readAllBytes());
        }
        for (int u = 0; u < units; u++) {
            Path f = out.resolve(SyntheticLeadGenerator.unitName(u) + ".csv");
            generator.writeCsv(f, u, rows);
            System.out.printf(Locale.ROOT, "wrote %s (%d leads)%n", f, rows);
        }
        System.out.println("wrote " + out.resolve("schema.yaml"));
        return 0;
    }
}
