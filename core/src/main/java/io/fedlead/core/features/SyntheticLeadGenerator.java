package io.fedlead.core.features;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * FedLead's embedded data set: synthetic B2B leads of several business units with a KNOWN conversion probability.
 *
 * <p>Each lead has a source, industry, company size (log-normal employees), region, seniority and engagement
 * signals (pages viewed, email opens, days since last touch, demo requested, trial user, webinar attended). The
 * conversion probability is a logistic model with nonlinear terms (diminishing returns in pages viewed, a
 * mid-size sweet spot in company size, seniority x company size, demo x trial saturation) plus a per-unit
 * intercept; it is written as {@code true_probability} and the label {@code converted} (yes/no) is sampled from
 * it, so a model's AUC can be compared with the Bayes AUC ({@link #bayesAuc}).
 *
 * <p>Business units (index 0..n-1, named unit-a, unit-b, ...) differ in source mix, industry mix, region mix,
 * seniority mix, company size, engagement and base rate (about 5% to 30%); the relation between features and
 * conversion is shared apart from the intercept, which is what makes federated training worthwhile. Units 0-5
 * are hand-designed; higher indices get profiles derived deterministically from the index.
 *
 * <p>Randomness: each unit has its own stream seeded from (seed, unit), so a unit's rows do not depend on which
 * other units were generated. Successive {@link #generate} calls for the same unit continue that stream (fresh
 * leads, continuing lead ids) rather than repeating it, so a train set and a test set drawn one after the other
 * never overlap. Instances are thread-safe.
 */
public final class SyntheticLeadGenerator {
    public static final List<String> SOURCES = List.of("web", "referral", "event", "paid_search", "outbound", "partner");
    public static final List<String> INDUSTRIES = List.of("software", "finance", "healthcare", "retail",
            "manufacturing", "education", "logistics", "public_sector");
    public static final List<String> REGIONS = List.of("north_america", "emea", "apac", "latam");
    public static final List<String> SENIORITIES = List.of("ic", "manager", "director", "vp", "c_level");
    public static final List<String> HEADER = List.of("lead_id", "source", "industry", "company_size", "region",
            "seniority", "pages_viewed", "email_opens", "days_since_last_touch", "demo_requested", "trial_user",
            "webinar_attended", "true_probability", "converted");
    public static final String TARGET = "converted";
    public static final String TRUE_PROBABILITY = "true_probability";
    public static final String SCHEMA_RESOURCE = "synthetic-leads.yaml";

    // The true model: logit coefficients. Kept together so the model can be read in one place.
    private static final double INTERCEPT = -3.05;
    private static final double[] SOURCE_EFFECT = {0.0, 0.9, 0.5, -0.2, -0.9, 0.6};
    private static final double[] INDUSTRY_EFFECT = {0.4, 0.2, 0.0, -0.3, -0.1, -0.5, -0.2, -0.6};
    private static final double[] REGION_EFFECT = {0.2, 0.0, -0.1, -0.3};
    private static final double[] SENIORITY_EFFECT = {-0.6, 0.0, 0.35, 0.55, 0.45};
    private static final double PAGES = 0.85;          // x log1p(pages): diminishing returns
    private static final double EMAIL_OPENS = 0.3;     // x sqrt(opens)
    private static final double RECENCY = -0.5;        // x log1p(days since last touch)
    private static final double SIZE = 0.25;           // x z, z = standardised log company size
    private static final double SIZE_SQUARED = -0.2;   // x z^2: mid-size sweet spot
    private static final double SENIORITY_X_SIZE = -0.45; // x (seniority - 2) / 2 x z: execs convert in small firms
    private static final double DEMO = 1.4;
    private static final double TRIAL = 0.9;
    private static final double WEBINAR = 0.4;
    private static final double DEMO_X_TRIAL = -0.5;
    private static final double LOG_SIZE_CENTER = 5.0;
    private static final double LOG_SIZE_SCALE = 1.5;

    private final long seed;
    private final Map<Integer, UnitStream> streams = new HashMap<>();

    public SyntheticLeadGenerator(long seed) {
        this.seed = seed;
    }

    /** unit-a, unit-b, ..., unit-z, unit-aa, ... for 0, 1, ..., 25, 26, ... */
    public static String unitName(int unit) {
        if (unit < 0) {
            throw new IllegalArgumentException("unit index must be >= 0, got " + unit);
        }
        StringBuilder sb = new StringBuilder();
        int n = unit + 1;
        while (n > 0) {
            n--;
            sb.append((char) ('a' + n % 26));
            n /= 26;
        }
        return "unit-" + sb.reverse();
    }

    /** The schema of this generator's CSVs: the shipped resource {@value #SCHEMA_RESOURCE}. */
    public FeatureSchema schema() {
        return defaultSchema();
    }

    /**
     * The schema of the synthetic leads, loaded from the classpath resource. Its numeric center/scale were computed
     * once from a large sample of units 0-5 (the generator's population), so every client shares them.
     */
    public static FeatureSchema defaultSchema() {
        try (InputStream in = SyntheticLeadGenerator.class.getResourceAsStream(SCHEMA_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + SCHEMA_RESOURCE + " is missing from the classpath");
            }
            return FeatureSchema.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), SCHEMA_RESOURCE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read resource " + SCHEMA_RESOURCE, e);
        }
    }

    /** The next {@code rows} leads of {@code unit}, with columns {@link #HEADER}. */
    public synchronized LeadTable generate(int unit, int rows) {
        if (rows < 0) {
            throw new IllegalArgumentException("rows must be >= 0, got " + rows);
        }
        UnitProfile profile = UnitProfile.of(unit);
        UnitStream stream = streams.computeIfAbsent(unit, u -> new UnitStream(new SplittableRandom(mix(seed, u))));
        List<List<String>> out = new ArrayList<>(rows);
        List<Long> lines = new ArrayList<>(rows);
        for (int i = 0; i < rows; i++) {
            out.add(lead(unit, profile, stream.rng, ++stream.generated));
            lines.add((long) i + 2); // line 1 is the header when written as CSV
        }
        return new LeadTable(unitName(unit), HEADER, out, lines, 0, List.of());
    }

    /** Writes the next {@code rows} leads of {@code unit} as a comma-separated CSV with a header. */
    public void writeCsv(Path file, int unit, int rows) {
        LeadTable table = generate(unit, rows);
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
             CSVPrinter printer = new CSVPrinter(w, CSVFormat.DEFAULT.builder().setRecordSeparator('\n').get())) {
            printer.printRecord(HEADER);
            for (List<String> row : table.rows()) {
                printer.printRecord(row);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The true conversion probability of a lead of {@code unit} given its values in {@link #HEADER} order (the
     * {@code true_probability} and {@code converted} entries, if present, are not read).
     */
    public static double trueProbability(int unit, List<String> row) {
        Objects.requireNonNull(row, "row");
        if (row.size() < HEADER.indexOf(TRUE_PROBABILITY)) {
            throw new IllegalArgumentException("expected the columns " + HEADER + ", got " + row.size() + " values");
        }
        int source = indexIn(SOURCES, row.get(1), "source");
        int industry = indexIn(INDUSTRIES, row.get(2), "industry");
        double size = Double.parseDouble(row.get(3));
        int region = indexIn(REGIONS, row.get(4), "region");
        int seniority = indexIn(SENIORITIES, row.get(5), "seniority");
        double pages = Double.parseDouble(row.get(6));
        double opens = Double.parseDouble(row.get(7));
        double days = Double.parseDouble(row.get(8));
        boolean demo = row.get(9).equals("yes");
        boolean trial = row.get(10).equals("yes");
        boolean webinar = row.get(11).equals("yes");
        double z = (Math.log(size) - LOG_SIZE_CENTER) / LOG_SIZE_SCALE;
        double logit = INTERCEPT + UnitProfile.of(unit).interceptShift
                + SOURCE_EFFECT[source] + INDUSTRY_EFFECT[industry] + REGION_EFFECT[region]
                + SENIORITY_EFFECT[seniority]
                + PAGES * Math.log1p(pages) + EMAIL_OPENS * Math.sqrt(opens) + RECENCY * Math.log1p(days)
                + SIZE * z + SIZE_SQUARED * z * z + SENIORITY_X_SIZE * (seniority - 2) / 2.0 * z
                + (demo ? DEMO : 0) + (trial ? TRIAL : 0) + (webinar ? WEBINAR : 0)
                + (demo && trial ? DEMO_X_TRIAL : 0);
        return 1 / (1 + Math.exp(-logit));
    }

    /** The AUC of the {@code true_probability} column against the {@code converted} labels: the best achievable. */
    public static double bayesAuc(LeadTable table) {
        int p = table.columnIndex(TRUE_PROBABILITY);
        int y = table.columnIndex(TARGET);
        if (p < 0 || y < 0) {
            throw new IllegalArgumentException(table.source() + ": needs columns " + TRUE_PROBABILITY + " and " + TARGET);
        }
        double[] scores = new double[table.size()];
        float[] labels = new float[table.size()];
        for (int i = 0; i < table.size(); i++) {
            scores[i] = Double.parseDouble(table.rows().get(i).get(p));
            labels[i] = table.rows().get(i).get(y).equals("yes") ? 1f : 0f;
        }
        return aucOf(scores, labels);
    }

    /**
     * Area under the ROC curve by the rank-sum (Mann-Whitney) formula, ties counted half; rows with a NaN label are
     * ignored. Throws if either class is absent.
     */
    public static double aucOf(double[] scores, float[] labels) {
        if (scores.length != labels.length) {
            throw new IllegalArgumentException(scores.length + " scores for " + labels.length + " labels");
        }
        Integer[] order = new Integer[scores.length];
        int m = 0;
        for (int i = 0; i < scores.length; i++) {
            if (!Float.isNaN(labels[i])) {
                order[m++] = i;
            }
        }
        Integer[] idx = Arrays.copyOf(order, m);
        Arrays.sort(idx, (a, b) -> Double.compare(scores[a], scores[b]));
        double rankSumPositive = 0;
        long positives = 0;
        for (int i = 0; i < m; ) {
            int j = i;
            while (j + 1 < m && scores[idx[j + 1]] == scores[idx[i]]) {
                j++;
            }
            double midRank = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                if (labels[idx[k]] == 1f) {
                    rankSumPositive += midRank;
                    positives++;
                }
            }
            i = j + 1;
        }
        long negatives = m - positives;
        if (positives == 0 || negatives == 0) {
            throw new IllegalArgumentException("AUC needs both classes, got " + positives + " positives and "
                    + negatives + " negatives");
        }
        return (rankSumPositive - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
    }

    private List<String> lead(int unit, UnitProfile p, RandomGenerator rng, long number) {
        int source = pick(rng, p.sourceMix);
        int industry = pick(rng, p.industryMix);
        int region = pick(rng, p.regionMix);
        long size = Math.max(1, Math.round(Math.exp(p.logSizeMean + 1.2 * rng.nextGaussian())));
        double z = (Math.log(size) - LOG_SIZE_CENTER) / LOG_SIZE_SCALE;
        // Small firms have relatively more executives among their leads.
        double[] seniorityMix = p.seniorityMix.clone();
        seniorityMix[4] *= Math.exp(-0.5 * z);
        seniorityMix[0] *= Math.exp(0.3 * z);
        int seniority = pick(rng, seniorityMix);
        // A latent engagement drives the behavioural signals together; only the signals enter the true model.
        double u = rng.nextGaussian() + p.engagementShift + ENGAGEMENT_BY_SOURCE[source];
        long pages = poisson(rng, Math.exp(1.1 + 0.6 * u));
        long opens = poisson(rng, Math.exp(0.5 + 0.5 * u));
        long days = (long) Math.floor(-Math.log(1 - rng.nextDouble()) * 25 * Math.exp(-0.4 * u));
        boolean demo = rng.nextDouble() < sigmoid(-2.0 + 0.9 * u + (source == 0 ? 0.4 : 0));
        boolean trial = rng.nextDouble() < sigmoid(-1.8 + 0.7 * u + (industry == 0 ? 0.6 : 0));
        boolean webinar = rng.nextDouble() < sigmoid(-1.6 + 0.5 * u + (source == 2 ? 1.2 : 0));
        List<String> row = new ArrayList<>(HEADER.size());
        row.add(unitName(unit) + "-" + zeroPad(number));
        row.add(SOURCES.get(source));
        row.add(INDUSTRIES.get(industry));
        row.add(Long.toString(size));
        row.add(REGIONS.get(region));
        row.add(SENIORITIES.get(seniority));
        row.add(Long.toString(pages));
        row.add(Long.toString(opens));
        row.add(Long.toString(days));
        row.add(demo ? "yes" : "no");
        row.add(trial ? "yes" : "no");
        row.add(webinar ? "yes" : "no");
        double probability = trueProbability(unit, row);
        row.add(sixDecimals(probability));
        row.add(rng.nextDouble() < probability ? "yes" : "no");
        return row;
    }

    /** Formats a probability in [0, 1] with six decimals; String.format was a third of the generation time. */
    private static String sixDecimals(double probability) {
        long micros = Math.round(probability * 1_000_000);
        String digits = Long.toString(micros % 1_000_000);
        return micros / 1_000_000 + "." + "000000".substring(digits.length()) + digits;
    }

    private static String zeroPad(long number) {
        String digits = Long.toString(number);
        return digits.length() >= 6 ? digits : "000000".substring(digits.length()) + digits;
    }

    private static final double[] ENGAGEMENT_BY_SOURCE = {0.2, 0.3, 0.4, 0.0, -0.5, 0.2};

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    private static int pick(RandomGenerator rng, double[] weights) {
        double total = 0;
        for (double w : weights) {
            total += w;
        }
        double r = rng.nextDouble() * total;
        for (int i = 0; i < weights.length; i++) {
            r -= weights[i];
            if (r < 0) {
                return i;
            }
        }
        return weights.length - 1;
    }

    /** Knuth's multiplication method; means here stay below ~60, where it is exact and fast enough. */
    private static long poisson(RandomGenerator rng, double mean) {
        double limit = Math.exp(-Math.min(mean, 60));
        long k = 0;
        double product = rng.nextDouble();
        while (product > limit) {
            k++;
            product *= rng.nextDouble();
        }
        return k;
    }

    private static int indexIn(List<String> levels, String value, String column) {
        int i = levels.indexOf(value);
        if (i < 0) {
            throw new IllegalArgumentException("column '" + column + "' is '" + value + "', expected one of " + levels);
        }
        return i;
    }

    private static long mix(long seed, int unit) {
        // SplitMix64 finaliser over (seed, unit) so neighbouring seeds and units give unrelated streams.
        long z = seed * 0x9E3779B97F4A7C15L + (unit + 1) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static final class UnitStream {
        final RandomGenerator rng;
        long generated;

        UnitStream(RandomGenerator rng) {
            this.rng = rng;
        }
    }

    /** How one business unit's leads are distributed. */
    private record UnitProfile(double[] sourceMix, double[] industryMix, double[] regionMix, double[] seniorityMix,
                               double logSizeMean, double engagementShift, double interceptShift) {
        private static final UnitProfile[] DESIGNED = {
                // unit-a: SMB self-serve, inbound web and paid search, North America, software/retail.
                new UnitProfile(new double[]{48, 6, 2, 40, 1, 3}, new double[]{40, 5, 3, 30, 4, 10, 6, 2},
                        new double[]{85, 8, 5, 2}, new double[]{30, 30, 15, 10, 15}, 3.6, 0.1, 0.0),
                // unit-b: enterprise outbound, EMEA, finance/manufacturing/public sector; low base rate.
                new UnitProfile(new double[]{6, 5, 20, 1, 60, 8}, new double[]{6, 32, 6, 2, 30, 1, 5, 18},
                        new double[]{8, 82, 6, 4}, new double[]{20, 30, 25, 15, 10}, 7.0, -0.3, -0.3),
                // unit-c: partner and referral channel, APAC, healthcare/education; high base rate.
                new UnitProfile(new double[]{10, 35, 6, 2, 1, 46}, new double[]{8, 6, 38, 4, 4, 30, 6, 4},
                        new double[]{6, 8, 80, 6}, new double[]{25, 35, 22, 12, 6}, 5.2, 0.3, 0.15),
                // unit-d: events and webinars, mid-market, mixed regions; highest base rate.
                new UnitProfile(new double[]{12, 18, 55, 2, 3, 10}, new double[]{30, 15, 12, 8, 15, 8, 7, 5},
                        new double[]{40, 35, 15, 10}, new double[]{15, 30, 30, 15, 10}, 5.5, 0.5, -0.3),
                // unit-e: paid search in Latin America, retail/logistics; lowest engagement.
                new UnitProfile(new double[]{30, 3, 1, 60, 5, 1}, new double[]{5, 4, 4, 42, 8, 2, 33, 2},
                        new double[]{5, 3, 2, 90}, new double[]{45, 30, 12, 6, 7}, 4.2, -0.4, 0.2),
                // unit-f: balanced generalist unit.
                new UnitProfile(new double[]{25, 15, 15, 15, 15, 15}, new double[]{15, 15, 12, 12, 12, 12, 11, 11},
                        new double[]{35, 30, 20, 15}, new double[]{30, 30, 20, 12, 8}, 5.0, 0.0, 0.0),
        };

        static UnitProfile of(int unit) {
            if (unit < 0) {
                throw new IllegalArgumentException("unit index must be >= 0, got " + unit);
            }
            if (unit < DESIGNED.length) {
                return DESIGNED[unit];
            }
            // Further units: a designed profile perturbed by a generator seeded only by the unit index, so the
            // population is the same whatever the generator seed.
            SplittableRandom r = new SplittableRandom(0x5EEDL + unit);
            UnitProfile b = DESIGNED[unit % DESIGNED.length];
            return new UnitProfile(jitter(b.sourceMix, r), jitter(b.industryMix, r), jitter(b.regionMix, r),
                    jitter(b.seniorityMix, r), b.logSizeMean + r.nextDouble(-0.7, 0.7),
                    b.engagementShift + r.nextDouble(-0.2, 0.2), b.interceptShift + r.nextDouble(-0.2, 0.2));
        }

        private static double[] jitter(double[] mix, SplittableRandom r) {
            double[] out = new double[mix.length];
            for (int i = 0; i < mix.length; i++) {
                out[i] = mix[i] * Math.exp(r.nextDouble(-0.5, 0.5));
            }
            return out;
        }
    }
}
