package io.fedlead.cli;

import io.fedlead.cli.privacy.PrivacyCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code fedlead} command: one entry point for every role. */
@Command(name = "fedlead", mixinStandardHelpOptions = true, version = "fedlead 0.1.0",
        description = "Federated lead scoring with measured differential privacy.",
        subcommands = {DemoCommand.class, SimulateCommand.class, CoordinatorCommand.class, ClientCommand.class, ScoreCommand.class,
                ServeCommand.class, GenerateCommand.class, PrivacyCommand.class, CommandLine.HelpCommand.class})
public final class FedLeadCli {
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line (tests execute it in-process). */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new FedLeadCli());
        // Bad input is reported as one clear line, not a stack trace.
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            Throwable t = ex;
            if (t instanceof IllegalArgumentException || t instanceof IllegalStateException
                    || t instanceof java.io.UncheckedIOException || t instanceof io.grpc.StatusRuntimeException) {
                commandLine.getErr().println("fedlead: " + t.getMessage());
                return 2;
            }
            throw ex;
        });
        return cl;
    }
}
