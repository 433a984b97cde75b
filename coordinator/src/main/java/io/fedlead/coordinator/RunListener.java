package io.fedlead.coordinator;

/** Receives a run's progress; the CLI prints it, tests collect it. Called from the run's thread. */
public interface RunListener {
    default void onInitialEvaluation(RoundSummary summary) {
    }

    default void onRound(RoundSummary summary) {
    }

    default void onMessage(String message) {
    }

    default void onFinished(RunResult result) {
    }

    RunListener NONE = new RunListener() {
    };
}
