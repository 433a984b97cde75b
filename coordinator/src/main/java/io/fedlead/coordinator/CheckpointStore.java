package io.fedlead.coordinator;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Persists global models with their provenance. */
public interface CheckpointStore {
    /** Saves the model a round produced; returns where. */
    Path saveRound(GlobalModel model, Map<String, Object> provenance);

    /** Saves the final model and the run history; returns the final model's path. */
    Path saveFinal(GlobalModel model, Map<String, Object> provenance, List<RoundSummary> history);

    /** Saves the fairness audit of the final model ({@code audit.json} beside the history); returns where. */
    Path saveAudit(Map<String, Object> audit);
}
