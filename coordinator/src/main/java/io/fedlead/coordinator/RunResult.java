package io.fedlead.coordinator;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * How a run ended.
 *
 * @param status       "completed", "budget-exhausted", "failed" or "stopped"
 * @param reason       human-readable explanation
 * @param history      one summary per completed round
 * @param initial      evaluation of the initial model
 * @param finalModel   path of the final model file, if one was written
 */
public record RunResult(String runId, String status, String reason, RoundSummary initial, List<RoundSummary> history,
                        Optional<Path> finalModel, GlobalModel model) {
    public RunResult {
        history = List.copyOf(history);
    }

    public Optional<RoundSummary> last() {
        return history.isEmpty() ? Optional.empty() : Optional.of(history.get(history.size() - 1));
    }
}
