package io.fedlead.coordinator;

import io.fedlead.core.eval.ScoreHistogram;
import io.fedlead.core.strategy.StreamingAggregator;
import io.fedlead.core.strategy.UpdateReceiver;
import io.fedlead.proto.v1.TaskType;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * One attempt of one round: who was asked, who answered and how. Updates are folded into the round's own streaming
 * aggregator as they complete; once the round is closed nothing more is accepted, so a late upload can never leak into
 * the next round's sum.
 */
final class RoundState {
    /** What one accepted training update contributed, besides its folded weights. */
    record UpdateInfo(long examples, double meanLoss, double trainSeconds, double noisedUnclippedBit, double preClipNorm,
                      String payloadSha256) {
    }

    final int round;
    final int attempt;
    final TaskType type;
    final GlobalModel model;
    final Set<String> selected;
    final long deadlineNanos;
    private final LongSupplier nanoTime;
    private final StreamingAggregator aggregator;

    private final Map<String, UpdateInfo> updates = new LinkedHashMap<>();
    private final Map<String, String> failures = new LinkedHashMap<>();
    private final Map<String, String> declined = new LinkedHashMap<>();
    private final Set<String> uploading = new java.util.HashSet<>();
    private ScoreHistogram histogram;
    private final Map<String, Map<String, ScoreHistogram>> groupHistograms = new HashMap<>();
    private final Set<String> withoutGroups = new java.util.TreeSet<>();
    private long evalExamples;
    private double evalLossSum;
    private int evaluations;
    private boolean closed;

    RoundState(int round, int attempt, TaskType type, GlobalModel model, Set<String> selected, long deadlineNanos,
               LongSupplier nanoTime, StreamingAggregator aggregator) {
        this.round = round;
        this.attempt = attempt;
        this.type = type;
        this.model = model;
        this.selected = Set.copyOf(selected);
        this.deadlineNanos = deadlineNanos;
        this.nanoTime = nanoTime;
        this.aggregator = aggregator;
    }

    synchronized boolean isClosed() {
        return closed;
    }

    /** Checks that a client may start an upload now; returns the reason it may not. */
    synchronized Optional<String> admitUpload(String clientId) {
        if (closed) {
            return Optional.of("round " + round + " is closed");
        }
        if (!selected.contains(clientId)) {
            return Optional.of("client was not selected for round " + round);
        }
        if (updates.containsKey(clientId) || failures.containsKey(clientId) || declined.containsKey(clientId)) {
            return Optional.of("client already answered round " + round);
        }
        if (!uploading.add(clientId)) {
            return Optional.of("client already has an upload in progress for round " + round);
        }
        return Optional.empty();
    }

    StreamingAggregator aggregator() {
        return aggregator;
    }

    /** Validates and folds a fully received update; throws IllegalArgumentException (bad update) or IllegalStateException (closed). */
    synchronized void completeUpdate(String clientId, UpdateReceiver receiver, UpdateInfo info) {
        uploading.remove(clientId);
        if (closed) {
            receiver.abort();
            throw new IllegalStateException("round " + round + " closed before the upload completed");
        }
        receiver.finish();
        updates.put(clientId, info);
        notifyAll();
    }

    /**
     * Forgets an upload that broke off for a reason that is not the client's update (no free upload slot, the
     * connection dropped): the client has not answered and may upload again before the deadline.
     */
    synchronized void release(String clientId) {
        uploading.remove(clientId);
    }

    /** Records a rejected update from a selected client: it counts as answered so the round need not wait for it. */
    synchronized void fail(String clientId, String reason) {
        uploading.remove(clientId);
        if (selected.contains(clientId) && !updates.containsKey(clientId)) {
            failures.putIfAbsent(clientId, reason);
            notifyAll();
        }
    }

    synchronized boolean decline(String clientId, String reason) {
        if (closed || !selected.contains(clientId) || updates.containsKey(clientId)) {
            return false;
        }
        declined.putIfAbsent(clientId, reason);
        notifyAll();
        return true;
    }

    synchronized Optional<String> addEvaluation(String clientId, ScoreHistogram h, long examples, double lossSum) {
        return addEvaluation(clientId, h, examples, lossSum, Map.of());
    }

    /**
     * Adds a client's evaluation and, for the fairness audit, its group histograms (column -> group -> histogram,
     * already checked against the pooled one); a client that sent none for a non-empty holdout is remembered.
     */
    synchronized Optional<String> addEvaluation(String clientId, ScoreHistogram h, long examples, double lossSum,
                                                Map<String, Map<String, ScoreHistogram>> groups) {
        if (closed) {
            return Optional.of("evaluation of round " + round + " is closed");
        }
        if (!selected.contains(clientId)) {
            return Optional.of("client was not asked to evaluate round " + round);
        }
        if (updates.containsKey(clientId)) {
            return Optional.of("client already reported its evaluation of round " + round);
        }
        histogram = histogram == null ? h : histogram.merge(h);
        groups.forEach((column, byValue) -> byValue.forEach((value, g) -> groupHistograms
                .computeIfAbsent(column, k -> new HashMap<>()).merge(value, g, ScoreHistogram::merge)));
        if (groups.isEmpty() && examples > 0) {
            withoutGroups.add(clientId);
        }
        evalExamples += examples;
        evalLossSum += lossSum;
        evaluations++;
        updates.put(clientId, new UpdateInfo(examples, examples == 0 ? 0 : lossSum / examples, 0, 0, -1, ""));
        notifyAll();
        return Optional.empty();
    }

    private int answered() {
        return updates.size() + failures.size() + declined.size();
    }

    /** Waits until every selected client answered or the deadline passed, then closes the round. */
    synchronized void awaitAndClose() throws InterruptedException {
        // closeNow() (a stop request) ends the wait at once instead of at the round deadline.
        while (!closed && answered() < selected.size()) {
            long left = deadlineNanos - nanoTime.getAsLong();
            if (left <= 0) {
                break;
            }
            wait(Math.max(1, Math.min(left / 1_000_000, 200)));
        }
        closed = true;
    }

    synchronized void closeNow() {
        closed = true;
        notifyAll();
    }

    synchronized Map<String, UpdateInfo> updates() {
        return Map.copyOf(updates);
    }

    synchronized Map<String, String> failures() {
        return Map.copyOf(failures);
    }

    synchronized Map<String, String> declined() {
        return Map.copyOf(declined);
    }

    synchronized List<String> missing() {
        return selected.stream().filter(c -> !updates.containsKey(c) && !failures.containsKey(c) && !declined.containsKey(c))
                .sorted().toList();
    }

    synchronized Optional<ScoreHistogram> histogram() {
        return Optional.ofNullable(histogram);
    }

    /** Merged group histograms of the evaluations received: column -> group -> histogram (a copy). */
    synchronized Map<String, Map<String, ScoreHistogram>> groupHistograms() {
        Map<String, Map<String, ScoreHistogram>> copy = new HashMap<>();
        groupHistograms.forEach((column, byValue) -> copy.put(column, Map.copyOf(byValue)));
        return copy;
    }

    /** Clients whose evaluation of a non-empty holdout came without group histograms. */
    synchronized Set<String> withoutGroups() {
        return Set.copyOf(withoutGroups);
    }

    synchronized long evalExamples() {
        return evalExamples;
    }

    synchronized double evalLossSum() {
        return evalLossSum;
    }

    synchronized int evaluations() {
        return evaluations;
    }
}
