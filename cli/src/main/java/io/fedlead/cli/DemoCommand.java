package io.fedlead.cli;

import io.fedlead.core.config.FederationConfig;
import io.fedlead.core.config.YamlConfig;
import io.fedlead.sim.Demo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** Runs the whole federation on embedded synthetic data and compares it with central and local-only training. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Generate synthetic leads for several business units, federate them over gRPC on 127.0.0.1, "
                + "score a holdout and compare with central and local-only models.")
final class DemoCommand implements Callable<Integer> {
    static final List<String> DEFAULT_AUDIT_GROUPS = List.of("region", "source");

    @Option(names = "--units", defaultValue = "4", description = "business units / client nodes (default ${DEFAULT-VALUE})")
    int units;
    @Option(names = "--rows", defaultValue = "1200", description = "leads per unit (default ${DEFAULT-VALUE})")
    int rows;
    @Option(names = "--test-rows", defaultValue = "4000", description = "pooled holdout leads (default ${DEFAULT-VALUE})")
    int testRows;
    @Option(names = "--rounds", defaultValue = "15", description = "federated rounds (default ${DEFAULT-VALUE})")
    int rounds;
    @Option(names = "--clip-norm", defaultValue = "1.0", description = "C (default ${DEFAULT-VALUE})")
    double clipNorm;
    @Option(names = "--noise-multiplier", defaultValue = "0.2", description = "z (default ${DEFAULT-VALUE})")
    double noiseMultiplier;
    @Option(names = "--local-epochs", defaultValue = "2", description = "local epochs per round (default ${DEFAULT-VALUE})")
    int localEpochs;
    @Option(names = "--learning-rate", defaultValue = "0.2", description = "local learning rate (default ${DEFAULT-VALUE})")
    double learningRate;
    @Option(names = "--config", description = "federation YAML to start from (its values, then these options)")
    Path config;
    @Option(names = "--out", defaultValue = "out/demo", description = "output folder (default ${DEFAULT-VALUE})")
    Path out;
    @Option(names = "--seed", defaultValue = "20261130", description = "data seed (default ${DEFAULT-VALUE})")
    long seed;
    @Option(names = "--audit-groups", split = ",", paramLabel = "COLUMN",
            description = "columns to audit fairness by (default: the config's evaluation.audit-groups, else region,source; --audit-groups= for none)")
    List<String> auditGroups;
    @Option(names = "--reproducible-noise", description = "seed the nodes' noise too (simulation only; the demo prints which noise it used)")
    boolean reproducibleNoise;

    @Override
    public Integer call() throws Exception {
        FederationConfig base = config == null ? FederationConfig.defaults() : YamlConfig.load(config, FederationConfig.class);
        FederationConfig.Training t = base.training();
        FederationConfig cfg = base.with("demo", 0, rounds, units, out.resolve("runs").toString())
                .withTraining(new FederationConfig.Training(localEpochs, t.batchSize(), learningRate, clipNorm,
                        noiseMultiplier, noiseMultiplier == 0, t.reportPreClipNorm(), t.adaptiveClipping()));
        // The synthetic units differ by region and lead source, so the demo audits those unless told otherwise.
        FederationConfig.Evaluation e = cfg.evaluation();
        List<String> groups = auditGroups != null ? auditGroups.stream().filter(g -> !g.isBlank()).toList()
                : e.auditGroups().isEmpty() ? DEFAULT_AUDIT_GROUPS : e.auditGroups();
        cfg = cfg.withEvaluation(new FederationConfig.Evaluation(groups, e.auditMinGroupSize()));
        new Demo(new Demo.Settings(units, rows, testRows, cfg, out, seed, reproducibleNoise), System.out).run();
        return 0;
    }
}
