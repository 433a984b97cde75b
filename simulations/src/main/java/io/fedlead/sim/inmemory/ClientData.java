package io.fedlead.sim.inmemory;

import io.fedlead.core.features.EncodedLeads;
import io.fedlead.core.features.FeatureEncoder;
import io.fedlead.core.features.FeatureSchema;
import io.fedlead.core.features.LeadCsvReader;
import io.fedlead.core.features.LeadTable;
import io.fedlead.core.features.SyntheticLeadGenerator;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * The encoded training leads of each virtual client plus a pooled holdout no client trains on.
 *
 * @param source      where the data came from and how it was split, without the client count
 * @param clients     one labeled training set per client, all of the same width
 * @param holdout     pooled labeled holdout on which every model is compared
 */
public record ClientData(String source, List<EncodedLeads> clients, EncodedLeads holdout) {
    /** The bank holdout share. */
    public static final double BANK_HOLDOUT_FRACTION = 0.2;
    /** Added to the data seed for the synthetic holdout, so no holdout lead is any client's lead. */
    static final long HOLDOUT_SEED_OFFSET = 1_000_003L;

    public ClientData {
        Objects.requireNonNull(source, "source");
        clients = List.copyOf(clients);
        Objects.requireNonNull(holdout, "holdout");
        if (clients.isEmpty()) {
            throw new IllegalArgumentException("no clients");
        }
        for (int i = 0; i < clients.size(); i++) {
            EncodedLeads c = clients.get(i);
            if (c.width() != holdout.width()) {
                throw new IllegalArgumentException("client " + i + " has width " + c.width() + " but the holdout has "
                        + holdout.width());
            }
            if (c.rows() == 0) {
                throw new IllegalArgumentException("client " + i + " has no rows");
            }
        }
    }

    /** One line: the client count, then {@link #source()}. */
    public String description() {
        return clients.size() + " clients, " + source;
    }

    /** Feature count. */
    public int width() {
        return holdout.width();
    }

    /** Training rows over all clients. */
    public long trainingRows() {
        return clients.stream().mapToLong(EncodedLeads::rows).sum();
    }

    /** The first {@code n} clients (same holdout). */
    public ClientData firstClients(int n) {
        if (n < 1 || n > clients.size()) {
            throw new IllegalArgumentException("asked for " + n + " clients of " + clients.size());
        }
        return new ClientData(source, clients.subList(0, n), holdout);
    }

    /**
     * Synthetic leads: client i draws a row count uniformly from [minRows, maxRows] and leads from business-unit
     * profile {@code i mod unitProfiles}; clients sharing a profile get successive, disjoint leads of its stream.
     * The holdout has {@code holdoutRows} leads spread evenly over the profiles, from a generator seeded
     * differently. Client i's data does not depend on how many clients there are.
     */
    public static ClientData synthetic(int clients, int minRows, int maxRows, int holdoutRows, int unitProfiles,
                                       long seed) {
        SyntheticLeadGenerator generator = new SyntheticLeadGenerator(seed);
        FeatureEncoder encoder = new FeatureEncoder(generator.schema());
        SplittableRandom sizes = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + 17);
        List<EncodedLeads> parts = new ArrayList<>(clients);
        for (int i = 0; i < clients; i++) {
            int rows = minRows + sizes.nextInt(maxRows - minRows + 1);
            parts.add(encoder.encode(generator.generate(i % unitProfiles, rows), true, false));
        }
        SyntheticLeadGenerator holdoutGenerator = new SyntheticLeadGenerator(seed + HOLDOUT_SEED_OFFSET);
        List<EncodedLeads> holdoutParts = new ArrayList<>();
        int profiles = Math.min(unitProfiles, clients);
        for (int u = 0; u < profiles; u++) {
            int rows = holdoutRows / profiles + (u < holdoutRows % profiles ? 1 : 0);
            holdoutParts.add(encoder.encode(holdoutGenerator.generate(u, rows), true, false));
        }
        EncodedLeads holdout = EncodedLeads.concat(holdoutParts);
        String source = String.format(java.util.Locale.ROOT,
                "synthetic leads (seed %d), %d-%d each from %d unit profiles; pooled holdout %d leads (seed %d)",
                seed, minRows, maxRows, profiles, holdout.rows(),
                seed + HOLDOUT_SEED_OFFSET);
        return new ClientData(source, parts, holdout);
    }

    /**
     * UCI Bank Marketing: {@value #BANK_HOLDOUT_FRACTION} of the rows, chosen at random, are the holdout; the rest
     * are shuffled and dealt into {@code clients} contiguous slices of near-equal size (a random partition, so
     * clients are IID; a by-job split is what {@code BankMarketingFederationTest} covers over gRPC).
     *
     * @throws IllegalArgumentException if the CSV or schema is missing (naming the path and the option), or
     *                                  there are fewer training rows than clients
     */
    public static ClientData bank(Path csv, Path schemaFile, int clients, long seed) {
        if (!Files.isRegularFile(csv)) {
            throw new IllegalArgumentException("--bank-csv: bank marketing data not found at " + csv.toAbsolutePath()
                    + " (bank-additional-full.csv from the UCI repository; see examples/bank-marketing/README.md)");
        }
        if (!Files.isRegularFile(schemaFile)) {
            throw new IllegalArgumentException("--bank-schema: schema not found at " + schemaFile.toAbsolutePath());
        }
        FeatureSchema schema = FeatureSchema.load(schemaFile);
        LeadTable table = LeadCsvReader.read(csv, schema, false);
        EncodedLeads all = new FeatureEncoder(schema).encode(table, true, false);
        SplittableRandom rng = new SplittableRandom(seed);
        int[] order = new int[all.rows()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        for (int i = order.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        int holdoutCount = (int) Math.round(order.length * BANK_HOLDOUT_FRACTION);
        int train = order.length - holdoutCount;
        if (train < clients) {
            throw new IllegalArgumentException("--clients is " + clients + " but " + csv + " has only " + train
                    + " training rows");
        }
        EncodedLeads holdout = all.subset(java.util.Arrays.copyOfRange(order, 0, holdoutCount));
        List<EncodedLeads> parts = new ArrayList<>(clients);
        for (int c = 0; c < clients; c++) {
            int from = holdoutCount + (int) ((long) c * train / clients);
            int to = holdoutCount + (int) ((long) (c + 1) * train / clients);
            parts.add(all.subset(java.util.Arrays.copyOfRange(order, from, to)));
        }
        String source = String.format(java.util.Locale.ROOT,
                "bank marketing %s (seed %d): %d training rows randomly partitioned, %d-%d rows each;"
                        + " holdout %d rows (%.0f%%)", csv.getFileName(), seed, train, train / clients,
                (train + clients - 1) / clients, holdoutCount, BANK_HOLDOUT_FRACTION * 100);
        return new ClientData(source, parts, holdout);
    }
}
