package io.fedlead.client.serving;

/**
 * How much one scoring server takes on: request size, leads per request, worker threads and queued requests.
 * Beyond {@code threads + queue} requests at once, further requests are answered 503 at once instead of waiting.
 *
 * @param maxBodyBytes largest request body accepted; a larger one is answered 413
 * @param maxLeads     most leads in one {@code POST /v1/score}; more are answered 413
 * @param threads      worker threads that parse, score and answer requests
 * @param queue        requests that may wait for a worker; 0 means none wait
 */
public record ServerLimits(long maxBodyBytes, int maxLeads, int threads, int queue) {
    /** 10 MiB: about 30,000 leads of the synthetic schema. */
    public static final long DEFAULT_MAX_BODY_BYTES = 10L << 20;
    public static final int DEFAULT_MAX_LEADS = 10_000;
    public static final int DEFAULT_QUEUE = 64;

    public ServerLimits {
        if (maxBodyBytes < 1 || maxBodyBytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("max body bytes must be in [1, " + (Integer.MAX_VALUE - 8) + "], got "
                    + maxBodyBytes);
        }
        if (maxLeads < 1) {
            throw new IllegalArgumentException("max leads must be >= 1, got " + maxLeads);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        if (queue < 0) {
            throw new IllegalArgumentException("queue must be >= 0, got " + queue);
        }
    }

    /** The defaults: 10 MiB, 10,000 leads, two threads per core, 64 queued requests. */
    public static ServerLimits defaults() {
        return new ServerLimits(DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_LEADS, defaultThreads(), DEFAULT_QUEUE);
    }

    /** Two per core: scoring is CPU work, but a worker also waits while a slow client sends its body. */
    public static int defaultThreads() {
        return 2 * Runtime.getRuntime().availableProcessors();
    }
}
