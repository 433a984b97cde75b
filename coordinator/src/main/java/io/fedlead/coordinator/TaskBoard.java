package io.fedlead.coordinator;

import io.fedlead.proto.v1.Finished;
import io.fedlead.proto.v1.PollTaskResponse;
import io.fedlead.proto.v1.Task;
import io.fedlead.proto.v1.Wait;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Hands tasks to clients over long polls. Clients connect out, so the coordinator cannot call them: each client keeps
 * one poll open, answered as soon as a task is posted for it, with Wait when the poll times out, or with Finished once
 * the run is over. No thread blocks while a poll waits.
 */
final class TaskBoard {
    /** Longest a poll is held open, whatever the client asks for. */
    static final int MAX_WAIT_MILLIS = 20_000;

    private final ScheduledExecutorService timer;
    private final Map<String, Slot> slots = new HashMap<>();
    private Finished finished;

    TaskBoard(ScheduledExecutorService timer) {
        this.timer = timer;
    }

    private static final class Slot {
        Task pending;
        StreamObserver<PollTaskResponse> waiter;
        ScheduledFuture<?> timeout;
    }

    /** Queues a task for a client (replacing any it has not picked up yet) and answers its open poll, if any. */
    synchronized void post(String clientId, Task task) {
        Slot slot = slots.computeIfAbsent(clientId, k -> new Slot());
        slot.pending = task;
        deliver(slot);
    }

    /** Withdraws a task the client has not picked up yet (its round closed). */
    synchronized void retract(String clientId) {
        Slot slot = slots.get(clientId);
        if (slot != null) {
            slot.pending = null;
        }
    }

    /** Ends the run for every client: open polls and all later ones get Finished. */
    synchronized void finish(Finished f) {
        finished = f;
        for (Slot slot : slots.values()) {
            slot.pending = null;
            deliver(slot);
        }
    }

    void poll(String clientId, int maxWaitMillis, StreamObserver<PollTaskResponse> observer) {
        int wait = Math.max(0, Math.min(MAX_WAIT_MILLIS, maxWaitMillis));
        synchronized (this) {
            Slot slot = slots.computeIfAbsent(clientId, k -> new Slot());
            if (slot.waiter != null) {
                // A newer poll replaces an older one from the same client (e.g. after a reconnect).
                answer(slot, PollTaskResponse.newBuilder().setWait(Wait.newBuilder().setRetryAfterMillis(0)).build());
            }
            slot.waiter = observer;
            if (deliver(slot)) {
                return;
            }
            if (wait == 0) {
                answer(slot, waitResponse());
                return;
            }
            StreamObserver<PollTaskResponse> mine = observer;
            slot.timeout = timer.schedule(() -> timeout(clientId, mine), wait, TimeUnit.MILLISECONDS);
        }
    }

    /** Drops a poll whose call was cancelled by the client. */
    synchronized void cancelled(String clientId, StreamObserver<PollTaskResponse> observer) {
        Slot slot = slots.get(clientId);
        if (slot != null && slot.waiter == observer) {
            if (slot.timeout != null) {
                slot.timeout.cancel(false);
            }
            slot.waiter = null;
            slot.timeout = null;
        }
    }

    private synchronized void timeout(String clientId, StreamObserver<PollTaskResponse> observer) {
        Slot slot = slots.get(clientId);
        if (slot != null && slot.waiter == observer) {
            slot.timeout = null;
            answer(slot, waitResponse());
        }
    }

    private boolean deliver(Slot slot) {
        if (slot.waiter == null) {
            return false;
        }
        if (slot.waiter instanceof ServerCallStreamObserver<PollTaskResponse> call && call.isCancelled()) {
            // Never hand a task to a poll whose client has gone: it would be lost.
            slot.waiter = null;
            if (slot.timeout != null) {
                slot.timeout.cancel(false);
                slot.timeout = null;
            }
            return false;
        }
        if (finished != null) {
            answer(slot, PollTaskResponse.newBuilder().setFinished(finished).build());
            return true;
        }
        if (slot.pending != null) {
            Task task = slot.pending;
            slot.pending = null;
            if (!answer(slot, PollTaskResponse.newBuilder().setTask(task).build())) {
                // The poll was cancelled while we answered it: keep the task for the client's next poll.
                slot.pending = task;
            }
            return true;
        }
        return false;
    }

    /** Answers the slot's poll; returns false when the call turned out to be cancelled (the answer may be lost). */
    private boolean answer(Slot slot, PollTaskResponse response) {
        StreamObserver<PollTaskResponse> w = slot.waiter;
        slot.waiter = null;
        if (slot.timeout != null) {
            slot.timeout.cancel(false);
            slot.timeout = null;
        }
        try {
            w.onNext(response);
            w.onCompleted();
        } catch (RuntimeException e) {
            return false; // the call was cancelled under us (the client went away)
        }
        return !(w instanceof ServerCallStreamObserver<PollTaskResponse> call && call.isCancelled());
    }

    private static PollTaskResponse waitResponse() {
        return PollTaskResponse.newBuilder().setWait(Wait.newBuilder().setRetryAfterMillis(0)).build();
    }
}
