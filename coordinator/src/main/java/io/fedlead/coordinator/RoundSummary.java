package io.fedlead.coordinator;

import java.util.List;
import java.util.Map;

/**
 * What happened in one round, as printed on the round line and stored in the run history and in each checkpoint's
 * provenance.
 *
 * @param round              1-based round number (0 = the initial model's evaluation)
 * @param attempts           how many times the round was started (a round is redone when too few clients report)
 * @param selected           clients asked to train
 * @param reported           clients whose updates were accepted and aggregated
 * @param failures           client name -> why its update was rejected or missing
 * @param declined           client name -> the reason it gave for refusing the task
 * @param clientExamples     client name -> training examples it reported (the FedAvg weights in 'examples' mode)
 * @param examples           training examples behind the aggregate (sum of reported counts)
 * @param meanLocalLoss      example-weighted mean of the clients' last-epoch training loss
 * @param federatedAuc       pooled holdout AUC of the new global model from merged client score histograms
 * @param federatedLogLoss   pooled holdout log-loss of the new global model
 * @param evalExamples       holdout examples behind the federated metrics
 * @param clipNorm           C in force this round
 * @param noiseMultiplier    z in force this round
 * @param epsilon            ε spent so far at the run's δ (NaN when not accounted)
 * @param seconds            wall time of the round
 * @param coordinatorSeconds time the coordinator itself spent (aggregation, applying, checkpoint)
 * @param clientTrainSeconds slowest client's local training time
 * @param modelVersion       version of the global model the round produced
 * @param modelSha256        hash of that model's weights
 */
public record RoundSummary(int round, int attempts, List<String> selected, List<String> reported,
                           Map<String, String> failures, Map<String, String> declined,
                           Map<String, Long> clientExamples, long examples,
                           double meanLocalLoss, double federatedAuc, double federatedLogLoss, long evalExamples,
                           double clipNorm, double noiseMultiplier, double epsilon, double seconds,
                           double coordinatorSeconds, double clientTrainSeconds, String modelVersion,
                           String modelSha256) {
    public RoundSummary {
        selected = List.copyOf(selected);
        reported = List.copyOf(reported);
        failures = Map.copyOf(failures);
        declined = Map.copyOf(declined);
        clientExamples = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(clientExamples));
    }

    /** The same summary with its final wall time and coordinator time. */
    public RoundSummary withTiming(double totalSeconds, double coordinatorTotalSeconds) {
        return new RoundSummary(round, attempts, selected, reported, failures, declined, clientExamples, examples,
                meanLocalLoss, federatedAuc, federatedLogLoss, evalExamples, clipNorm, noiseMultiplier, epsilon,
                totalSeconds, coordinatorTotalSeconds, clientTrainSeconds, modelVersion, modelSha256);
    }

    /** The one-line form printed per round. */
    public String line() {
        return String.format(java.util.Locale.ROOT,
                "round %3d | clients %d/%d | local loss %.4f | fed AUC %.4f | fed logloss %.4f | C %.3g | eps %s | %.2fs (coord %.2fs, train %.2fs)",
                round, reported.size(), selected.size(), meanLocalLoss, federatedAuc, federatedLogLoss, clipNorm,
                Double.isNaN(epsilon) ? "n/a" : Double.isInfinite(epsilon) ? "inf"
                        : String.format(java.util.Locale.ROOT, "%.3f", epsilon), seconds,
                coordinatorSeconds, clientTrainSeconds);
    }
}
