package io.fedlead.core.config;

import io.fedlead.core.model.ModelSpec;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The coordinator's configuration: one YAML file (kebab-case keys) read by {@link YamlConfig}. Every key is optional;
 * defaults live here, in the compact constructors. Values are checked on construction and errors name the key.
 *
 * @param runId           name of the run; default: generated from the start time
 * @param host            address the coordinator listens on
 * @param port            TCP port (0 = any free port)
 * @param schema          path of the feature schema YAML; empty = the embedded synthetic-lead schema
 * @param model           network to train
 * @param rounds          number of training rounds
 * @param minClients      clients that must have joined before round 1 starts
 * @param fractionFit     share of joined clients sampled per round
 * @param minFitClients   fewest clients sampled per round, and fewest reports needed to aggregate
 * @param roundTimeoutSeconds how long a round waits for reports before aggregating what arrived
 * @param joinTimeoutSeconds  how long to wait for min-clients before giving up
 * @param maxRoundRetries how many times a round is redone when fewer than min-fit-clients reported
 * @param training        the settings sent to clients each round
 * @param aggregation     how updates are combined
 * @param privacy         accounting and budget
 * @param checkpointDir   where each round's global model and provenance are written
 * @param seed            seed of client sampling (0 = from SecureRandom)
 * @param evaluation      federated evaluation: the fairness audit's columns and minimum group size
 * @param tls             transport security of the coordinator's port; default: plaintext
 */
public record FederationConfig(String runId, String host, Integer port, String schema, ModelSpec model, Integer rounds,
                               Integer minClients, Double fractionFit, Integer minFitClients, Double roundTimeoutSeconds,
                               Double joinTimeoutSeconds, Integer maxRoundRetries, Training training,
                               Aggregation aggregation, Privacy privacy, String checkpointDir, Long seed,
                               Evaluation evaluation, Tls tls) {

    /** A configuration without evaluation settings (no fairness audit) and without TLS (plaintext gRPC). */
    public FederationConfig(String runId, String host, Integer port, String schema, ModelSpec model, Integer rounds,
                            Integer minClients, Double fractionFit, Integer minFitClients, Double roundTimeoutSeconds,
                            Double joinTimeoutSeconds, Integer maxRoundRetries, Training training,
                            Aggregation aggregation, Privacy privacy, String checkpointDir, Long seed) {
        this(runId, host, port, schema, model, rounds, minClients, fractionFit, minFitClients, roundTimeoutSeconds,
                joinTimeoutSeconds, maxRoundRetries, training, aggregation, privacy, checkpointDir, seed, null, null);
    }

    public FederationConfig {
        runId = runId == null ? "" : runId;
        host = host == null ? "127.0.0.1" : host;
        port = port == null ? 7070 : port;
        check(port >= 0 && port <= 65535, "port", port, "must be in [0, 65535]");
        schema = schema == null ? "" : schema;
        model = model == null ? ModelSpec.logistic() : model;
        rounds = rounds == null ? 15 : rounds;
        check(rounds >= 1, "rounds", rounds, "must be >= 1");
        minClients = minClients == null ? 2 : minClients;
        check(minClients >= 1, "min-clients", minClients, "must be >= 1");
        fractionFit = fractionFit == null ? 1.0 : fractionFit;
        check(fractionFit > 0 && fractionFit <= 1, "fraction-fit", fractionFit, "must be in (0, 1]");
        minFitClients = minFitClients == null ? Math.min(2, minClients) : minFitClients;
        check(minFitClients >= 1, "min-fit-clients", minFitClients, "must be >= 1");
        check(minFitClients <= minClients, "min-fit-clients", minFitClients, "must be <= min-clients (" + minClients + ")");
        roundTimeoutSeconds = roundTimeoutSeconds == null ? 120.0 : roundTimeoutSeconds;
        check(roundTimeoutSeconds > 0 && roundTimeoutSeconds < 86_400, "round-timeout-seconds", roundTimeoutSeconds, "must be in (0, 86400)");
        joinTimeoutSeconds = joinTimeoutSeconds == null ? 600.0 : joinTimeoutSeconds;
        check(joinTimeoutSeconds > 0 && joinTimeoutSeconds <= 30 * 86_400, "join-timeout-seconds", joinTimeoutSeconds,
                "must be in (0, 2592000] (30 days)");
        maxRoundRetries = maxRoundRetries == null ? 3 : maxRoundRetries;
        check(maxRoundRetries >= 0, "max-round-retries", maxRoundRetries, "must be >= 0");
        training = training == null ? Training.defaults() : training;
        aggregation = aggregation == null ? Aggregation.defaults() : aggregation;
        privacy = privacy == null ? Privacy.defaults() : privacy;
        checkpointDir = checkpointDir == null ? "runs" : checkpointDir;
        seed = seed == null ? 0L : seed;
        evaluation = evaluation == null ? Evaluation.defaults() : evaluation;
        tls = tls == null ? Tls.defaults() : tls;
        check(tls.enabled() || tls.allowPlaintext() || Hosts.isLoopback(host), "host", host,
                "is not a loopback address, so clients would reach it over a network, and tls.cert-chain is not set: "
                        + "serve TLS (tls.cert-chain, tls.private-key), or set tls.allow-plaintext: true (e.g. behind a "
                        + "TLS-terminating proxy)");
    }

    public static FederationConfig defaults() {
        return new FederationConfig(null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null);
    }

    public Optional<String> schemaPath() {
        return schema.isBlank() ? Optional.empty() : Optional.of(schema);
    }

    /** A copy with other values for the keys a test or the demo overrides most. */
    public FederationConfig with(String runId, int port, int rounds, int minClients, String checkpointDir) {
        return new FederationConfig(runId, host, port, schema, model, rounds, minClients, fractionFit,
                Math.min(minFitClients, minClients), roundTimeoutSeconds, joinTimeoutSeconds, maxRoundRetries, training,
                aggregation, privacy, checkpointDir, seed, evaluation, tls);
    }

    public FederationConfig withTraining(Training t) {
        return new FederationConfig(runId, host, port, schema, model, rounds, minClients, fractionFit, minFitClients,
                roundTimeoutSeconds, joinTimeoutSeconds, maxRoundRetries, t, aggregation, privacy, checkpointDir, seed, evaluation, tls);
    }

    public FederationConfig withModel(ModelSpec m) {
        return new FederationConfig(runId, host, port, schema, m, rounds, minClients, fractionFit, minFitClients,
                roundTimeoutSeconds, joinTimeoutSeconds, maxRoundRetries, training, aggregation, privacy, checkpointDir, seed, evaluation, tls);
    }

    public FederationConfig withSchema(String schemaPath) {
        return new FederationConfig(runId, host, port, schemaPath, model, rounds, minClients, fractionFit, minFitClients,
                roundTimeoutSeconds, joinTimeoutSeconds, maxRoundRetries, training, aggregation, privacy, checkpointDir, seed, evaluation, tls);
    }

    public FederationConfig withAggregation(Aggregation a) {
        return new FederationConfig(runId, host, port, schema, model, rounds, minClients, fractionFit, minFitClients,
                roundTimeoutSeconds, joinTimeoutSeconds, maxRoundRetries, training, a, privacy, checkpointDir, seed, evaluation, tls);
    }

    public FederationConfig withPrivacy(Privacy p) {
        return new FederationConfig(runId, host, port, schema, model, rounds, minClients, fractionFit, minFitClients,
                roundTimeoutSeconds, joinTimeoutSeconds, maxRoundRetries, training, aggregation, p, checkpointDir, seed, evaluation,
                tls);
    }

    public FederationConfig withEvaluation(Evaluation e) {
        return new FederationConfig(runId, host, port, schema, model, rounds, minClients, fractionFit, minFitClients,
                roundTimeoutSeconds, joinTimeoutSeconds, maxRoundRetries, training, aggregation, privacy, checkpointDir,
                seed, e, tls);
    }

    public FederationConfig withTls(Tls t) {
        return new FederationConfig(runId, host, port, schema, model, rounds, minClients, fractionFit, minFitClients,
                roundTimeoutSeconds, joinTimeoutSeconds, maxRoundRetries, training, aggregation, privacy, checkpointDir,
                seed, evaluation, t);
    }

    /**
     * Settings sent to every client each round.
     *
     * @param clipNorm         C, the L2 bound of each client's update
     * @param noiseMultiplier  z; the client adds N(0, (zC)^2) to every coordinate
     * @param allowNoNoise     must be true to run with noise-multiplier 0 (no privacy)
     * @param reportPreClipNorm clients also send their plain pre-clip norm (diagnostics; not covered by DP)
     * @param adaptiveClipping  when enabled, C starts at its initial-clip-norm (clip-norm is then ignored) and tracks a
     *                          quantile of the update norms
     */
    public record Training(Integer localEpochs, Integer batchSize, Double learningRate, Double clipNorm,
                           Double noiseMultiplier, Boolean allowNoNoise, Boolean reportPreClipNorm,
                           AdaptiveClippingSettings adaptiveClipping) {
        /** Settings without adaptive clipping. */
        public Training(Integer localEpochs, Integer batchSize, Double learningRate, Double clipNorm,
                        Double noiseMultiplier, Boolean allowNoNoise, Boolean reportPreClipNorm) {
            this(localEpochs, batchSize, learningRate, clipNorm, noiseMultiplier, allowNoNoise, reportPreClipNorm, null);
        }

        public Training {
            localEpochs = localEpochs == null ? 1 : localEpochs;
            check(localEpochs >= 1 && localEpochs <= 1000, "training.local-epochs", localEpochs, "must be in [1, 1000]");
            batchSize = batchSize == null ? 64 : batchSize;
            check(batchSize >= 1, "training.batch-size", batchSize, "must be >= 1");
            learningRate = learningRate == null ? 0.1 : learningRate;
            check(learningRate > 0 && learningRate < 100, "training.learning-rate", learningRate, "must be in (0, 100)");
            clipNorm = clipNorm == null ? 1.0 : clipNorm;
            check(clipNorm > 0 && Double.isFinite(clipNorm), "training.clip-norm", clipNorm, "must be > 0 and finite");
            noiseMultiplier = noiseMultiplier == null ? 0.5 : noiseMultiplier;
            check(noiseMultiplier >= 0 && Double.isFinite(noiseMultiplier), "training.noise-multiplier", noiseMultiplier,
                    "must be >= 0 and finite");
            allowNoNoise = allowNoNoise != null && allowNoNoise;
            check(noiseMultiplier > 0 || allowNoNoise, "training.noise-multiplier", noiseMultiplier,
                    "is 0, which gives no privacy; set training.allow-no-noise: true to run without noise");
            reportPreClipNorm = reportPreClipNorm != null && reportPreClipNorm;
            adaptiveClipping = adaptiveClipping == null ? AdaptiveClippingSettings.defaults() : adaptiveClipping;
            if (adaptiveClipping.enabled() && adaptiveClipping.bitStddev() > 0 && noiseMultiplier > 0) {
                check(2 * adaptiveClipping.bitStddev() > noiseMultiplier, "training.adaptive-clipping.bit-stddev",
                        adaptiveClipping.bitStddev(), "must be > training.noise-multiplier / 2 (" + noiseMultiplier / 2
                                + "): the update noise multiplier z_Δ = (z^-2 - (2·bit-stddev)^-2)^(-1/2) is otherwise undefined");
            }
        }

        public static Training defaults() {
            return new Training(null, null, null, null, null, null, null, null);
        }

        /** The clip norm of round 1: initial-clip-norm with adaptive clipping, else clip-norm. */
        public double initialClipNorm() {
            return adaptiveClipping.enabled() ? adaptiveClipping.initialClipNorm() : clipNorm;
        }
    }

    /**
     * Adaptive clipping (Andrew et al. 2021): C follows the target quantile of the clients' update norms, learned from
     * noised "not clipped" bits. The update noise multiplier becomes z_Δ = (z^-2 - (2σ_b)^-2)^(-1/2) so that the
     * update and the bits together cost what noise multiplier z costs.
     *
     * @param enabled         off by default
     * @param initialClipNorm C of round 1
     * @param targetQuantile  γ: share of updates that should be unclipped
     * @param learningRate    η of the update C <- C·exp(-η(b̄ - γ))
     * @param bitStddev       σ_b, noise std of each reported bit; 0 = m/20 for m expected clients per round
     */
    public record AdaptiveClippingSettings(Boolean enabled, Double initialClipNorm, Double targetQuantile,
                                           Double learningRate, Double bitStddev) {
        public AdaptiveClippingSettings {
            enabled = enabled != null && enabled;
            initialClipNorm = initialClipNorm == null ? 0.1 : initialClipNorm;
            check(initialClipNorm > 0 && Double.isFinite(initialClipNorm), "training.adaptive-clipping.initial-clip-norm",
                    initialClipNorm, "must be > 0 and finite");
            targetQuantile = targetQuantile == null ? 0.5 : targetQuantile;
            check(targetQuantile > 0 && targetQuantile < 1, "training.adaptive-clipping.target-quantile", targetQuantile,
                    "must be in (0, 1)");
            learningRate = learningRate == null ? 0.2 : learningRate;
            check(learningRate > 0 && Double.isFinite(learningRate), "training.adaptive-clipping.learning-rate",
                    learningRate, "must be > 0 and finite");
            bitStddev = bitStddev == null ? 0.0 : bitStddev;
            check(bitStddev >= 0 && Double.isFinite(bitStddev), "training.adaptive-clipping.bit-stddev", bitStddev,
                    "must be >= 0 and finite (0 = expected clients per round / 20)");
        }

        public static AdaptiveClippingSettings defaults() {
            return new AdaptiveClippingSettings(null, null, null, null, null);
        }
    }

    /**
     * How accepted updates are combined.
     *
     * @param weighting         "examples" (FedAvg weighted by example counts; the counts travel in clear), "uniform",
     *                          or "fixed-denominator" (DP-FedAvg: uniform weights, sum / expected clients q·N, and
     *                          Poisson client sampling so the accountant's assumption holds)
     * @param serverLearningRate step applied to the averaged delta (1.0 = plain FedAvg)
     * @param maxConcurrentUploads uploads staged at once; memory is this many model copies plus the running sum
     * @param uploadIdleTimeoutSeconds an upload that sends nothing for this long is dropped, freeing its slot
     */
    public record Aggregation(String weighting, Double serverLearningRate, Integer maxConcurrentUploads,
                              Double uploadIdleTimeoutSeconds) {
        public static final String FIXED_DENOMINATOR = "fixed-denominator";

        public Aggregation(String weighting, Double serverLearningRate, Integer maxConcurrentUploads) {
            this(weighting, serverLearningRate, maxConcurrentUploads, null);
        }

        public Aggregation {
            weighting = weighting == null ? "examples" : weighting;
            check(weighting.equals("examples") || weighting.equals("uniform") || weighting.equals(FIXED_DENOMINATOR),
                    "aggregation.weighting", weighting, "must be 'examples', 'uniform' or 'fixed-denominator'");
            serverLearningRate = serverLearningRate == null ? 1.0 : serverLearningRate;
            check(serverLearningRate > 0 && serverLearningRate <= 10, "aggregation.server-learning-rate",
                    serverLearningRate, "must be in (0, 10]");
            maxConcurrentUploads = maxConcurrentUploads == null ? 4 : maxConcurrentUploads;
            check(maxConcurrentUploads >= 1, "aggregation.max-concurrent-uploads", maxConcurrentUploads, "must be >= 1");
            uploadIdleTimeoutSeconds = uploadIdleTimeoutSeconds == null ? 30.0 : uploadIdleTimeoutSeconds;
            check(uploadIdleTimeoutSeconds > 0 && uploadIdleTimeoutSeconds <= 3600, "aggregation.upload-idle-timeout-seconds",
                    uploadIdleTimeoutSeconds, "must be in (0, 3600]");
        }

        public static Aggregation defaults() {
            return new Aggregation(null, null, null, null);
        }

        /** True in DP-FedAvg mode: fixed denominator and Poisson sampling. */
        public boolean fixedDenominator() {
            return weighting.equals(FIXED_DENOMINATOR);
        }
    }

    /**
     * Privacy accounting.
     *
     * @param delta         δ at which ε is reported
     * @param targetEpsilon budget: the run stops before a round that would exceed it (0 = no budget)
     */
    public record Privacy(Double delta, Double targetEpsilon) {
        public Privacy {
            delta = delta == null ? 1e-5 : delta;
            check(delta > 0 && delta < 1, "privacy.delta", delta, "must be in (0, 1)");
            targetEpsilon = targetEpsilon == null ? 0.0 : targetEpsilon;
            check(targetEpsilon >= 0 && Double.isFinite(targetEpsilon), "privacy.target-epsilon", targetEpsilon, "must be >= 0");
        }

        public static Privacy defaults() {
            return new Privacy(null, null);
        }
    }

    /**
     * Federated evaluation. Every evaluation task asks the clients for score histograms of their holdouts; with audit
     * groups it also asks for one histogram per group of each listed column, and the coordinator audits the model's
     * fairness across those groups.
     *
     * @param auditGroups       categorical or boolean feature columns of the schema to audit by (checked against the
     *                          schema when the coordinator starts); empty = no audit
     * @param auditMinGroupSize groups with fewer holdout leads (pooled over clients) are reported without metrics
     */
    public record Evaluation(List<String> auditGroups, Integer auditMinGroupSize) {
        public Evaluation {
            auditGroups = auditGroups == null ? List.of() : List.copyOf(auditGroups);
            Set<String> seen = new HashSet<>();
            for (String g : auditGroups) {
                check(!g.isBlank(), "evaluation.audit-groups", auditGroups, "must not contain a blank column name");
                check(seen.add(g), "evaluation.audit-groups", auditGroups, "names column '" + g + "' twice");
            }
            auditMinGroupSize = auditMinGroupSize == null ? 30 : auditMinGroupSize;
            check(auditMinGroupSize >= 1, "evaluation.audit-min-group-size", auditMinGroupSize, "must be >= 1");
        }

        public static Evaluation defaults() {
            return new Evaluation(null, null);
        }
    }

    /**
     * TLS on the coordinator's port. Off when {@code cert-chain} is empty: plaintext gRPC, allowed on a loopback
     * host (demos, local runs) and elsewhere only with {@code allow-plaintext: true}.
     * With {@code client-ca}, every client must present a certificate signed by it (mutual TLS) and may join only
     * under a name its certificate vouches for. Only paths are kept here: the files are read and checked when the
     * server starts, so a saved configuration never holds a key.
     *
     * @param certChain  PEM file: the coordinator's certificate first, then any intermediates
     * @param privateKey PEM file: the certificate's private key, unencrypted PKCS#8 ("BEGIN PRIVATE KEY")
     * @param clientCa   PEM file of the CA certificates that client certificates must chain to; empty = no client
     *                   certificates are asked for
     * @param allowPlaintext must be true to serve plaintext on a host other than loopback
     */
    public record Tls(String certChain, String privateKey, String clientCa, Boolean allowPlaintext) {
        /** TLS settings that do not allow plaintext beyond loopback. */
        public Tls(String certChain, String privateKey, String clientCa) {
            this(certChain, privateKey, clientCa, null);
        }

        public Tls {
            certChain = certChain == null ? "" : certChain.strip();
            privateKey = privateKey == null ? "" : privateKey.strip();
            clientCa = clientCa == null ? "" : clientCa.strip();
            check(!certChain.isEmpty() || privateKey.isEmpty(), "tls.private-key", privateKey,
                    "but tls.cert-chain is not set; TLS needs both (neither = plaintext)");
            check(certChain.isEmpty() || !privateKey.isEmpty(), "tls.cert-chain", certChain,
                    "but tls.private-key is not set; TLS needs both (neither = plaintext)");
            check(!certChain.isEmpty() || clientCa.isEmpty(), "tls.client-ca", clientCa,
                    "but tls.cert-chain is not set: client certificates (mutual TLS) need the coordinator to "
                            + "serve TLS; set tls.cert-chain and tls.private-key too");
            allowPlaintext = allowPlaintext != null && allowPlaintext;
            check(!allowPlaintext || certChain.isEmpty(), "tls.allow-plaintext", allowPlaintext,
                    "but tls.cert-chain is set, so the coordinator serves TLS; remove one of them");
        }

        public static Tls defaults() {
            return new Tls(null, null, null, null);
        }

        /** True when the coordinator serves TLS. */
        public boolean enabled() {
            return !certChain.isEmpty();
        }

        /** True when clients must present a certificate (mutual TLS) that names them. */
        public boolean mutual() {
            return !clientCa.isEmpty();
        }
    }

    static void check(boolean ok, String key, Object value, String rule) {
        if (!ok) {
            throw new IllegalArgumentException("'" + key + "' is " + value + ": " + rule);
        }
    }
}
