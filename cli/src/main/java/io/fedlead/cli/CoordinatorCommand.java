package io.fedlead.cli;

import io.fedlead.coordinator.CoordinatorServer;
import io.fedlead.coordinator.RoundSummary;
import io.fedlead.coordinator.RunListener;
import io.fedlead.coordinator.RunResult;
import io.fedlead.coordinator.ServerSecurity;
import io.fedlead.core.config.FederationConfig;
import io.fedlead.core.config.YamlConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** Runs a coordinator until its run ends; TLS and mutual TLS come from the config's {@code tls} keys. */
@Command(name = "coordinator", mixinStandardHelpOptions = true,
        description = "Start a coordinator: wait for clients, run the configured rounds, checkpoint every round.")
final class CoordinatorCommand implements Callable<Integer> {
    @Option(names = "--config", description = "federation YAML (kebab-case keys; see README)")
    Path config;
    @Option(names = "--port", description = "override 'port' from the config")
    Integer port;

    @Override
    public Integer call() throws Exception {
        FederationConfig cfg = config == null ? FederationConfig.defaults() : YamlConfig.load(config, FederationConfig.class);
        if (port != null) {
            cfg = cfg.with(cfg.runId(), port, cfg.rounds(), cfg.minClients(), cfg.checkpointDir());
        }
        RunListener printer = new RunListener() {
            @Override
            public void onInitialEvaluation(RoundSummary s) {
                System.out.printf(Locale.ROOT, "initial model: fed AUC %.4f on %d holdout leads%n", s.federatedAuc(),
                        s.evalExamples());
            }

            @Override
            public void onRound(RoundSummary s) {
                System.out.println(s.line());
            }

            @Override
            public void onMessage(String message) {
                System.out.println(message);
            }
        };
        // Reads and checks the tls.* files before anything else happens, so a wrong one fails at once, named.
        ServerSecurity security = ServerSecurity.of(cfg.tls());
        CoordinatorServer server = CoordinatorServer.create(cfg, security.serverBuilder(cfg), printer).start();
        System.out.println("coordinator listening on " + cfg.host() + ":" + server.port() + ", writing to " + server.runDir());
        System.out.println("transport: " + security.description());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.stop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        RunResult r = server.awaitRunAndShutdown(3_000);
        r.finalModel().ifPresent(p -> System.out.println("final model: " + p));
        return r.status().equals("completed") || r.status().equals("budget-exhausted") ? 0 : 1;
    }
}
