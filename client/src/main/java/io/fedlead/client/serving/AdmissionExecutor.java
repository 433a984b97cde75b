package io.fedlead.client.serving;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The HTTP server's executor: a fixed pool of workers with a bounded queue, and one overflow thread that takes
 * what the workers refuse. The router answers every exchange that runs on the overflow thread with 503 at once
 * (see {@link #onOverflowThread()}), so an overloaded server says so instead of queueing without bound. The JDK
 * server closes the connection when an executor refuses an exchange outright, which clients see as a reset;
 * the overflow thread turns that into a proper answer. Only when its own queue is full too is a connection closed.
 */
final class AdmissionExecutor implements Executor {
    /** Exchanges waiting for the overflow thread before connections are closed unanswered. */
    static final int OVERFLOW_QUEUE = 256;

    private final ThreadPoolExecutor workers;
    private final ThreadPoolExecutor overflow;

    AdmissionExecutor(int threads, int queue) {
        AtomicInteger n = new AtomicInteger();
        BlockingQueue<Runnable> waiting = queue == 0 ? new SynchronousQueue<>() : new ArrayBlockingQueue<>(queue);
        workers = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.SECONDS, waiting,
                r -> daemon(new Thread(r, "fedlead-serve-" + n.incrementAndGet())));
        overflow = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(OVERFLOW_QUEUE),
                r -> daemon(new OverflowThread(r)));
    }

    @Override
    public void execute(Runnable exchange) {
        try {
            workers.execute(exchange);
        } catch (RejectedExecutionException busyOrStopping) {
            overflow.execute(exchange);
        }
    }

    /** True on the thread that answers the exchanges the workers refused. */
    static boolean onOverflowThread() {
        return Thread.currentThread() instanceof OverflowThread;
    }

    /**
     * Stops taking new work on the workers (later exchanges go to the overflow thread) and waits up to
     * {@code timeout} for the running and queued ones; true if none is left.
     */
    boolean drain(long timeout, TimeUnit unit) throws InterruptedException {
        workers.shutdown();
        // Idle workers take a moment to exit after shutdown(); what matters is that no exchange is left.
        return workers.awaitTermination(timeout, unit)
                || (workers.getActiveCount() == 0 && workers.getQueue().isEmpty());
    }

    /** Stops both pools, interrupting what still runs. */
    void shutdownNow() {
        workers.shutdownNow();
        overflow.shutdownNow();
    }

    // Daemon threads: the serve command's main thread is what keeps the process alive, not the pool.
    private static Thread daemon(Thread t) {
        t.setDaemon(true);
        return t;
    }

    private static final class OverflowThread extends Thread {
        OverflowThread(Runnable r) {
            super(r, "fedlead-serve-overflow");
        }
    }
}
