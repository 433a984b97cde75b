package io.fedlead.client.serving;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lifecycle of an HTTP/JSON server (the JDK's {@code com.sun.net.httpserver}): bind, start, stop gracefully. What
 * it answers comes from its {@link Route}s ({@link ScoringApi#routes()} for the scoring service); how requests
 * become answers and errors is {@link Router}'s job; how many run at once is {@link AdmissionExecutor}'s.
 */
public final class ScoringServer {
    private static final Logger log = LoggerFactory.getLogger(ScoringServer.class);

    static {
        // The JDK server writes a response's headers and body as two TCP segments; with Nagle's algorithm on, the
        // body waits for the client's delayed ACK of the headers, about 40 ms on Linux: 48 ms p50 for one lead
        // against 0.7-1.4 ms with TCP_NODELAY (ScoringServiceBenchmark). The property is read once, when the JDK's
        // first server is created in the JVM; a value given on the command line is kept.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private final HttpServer http;
    private final Router router;
    private final AdmissionExecutor executor;
    private boolean started;
    private boolean stopped;

    /** Binds {@code address} (port 0 = any free port); call {@link #start()} to serve. */
    public ScoringServer(InetSocketAddress address, ServerLimits limits, List<Route> routes, ObjectMapper json) {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(limits, "limits");
        this.router = new Router(routes, limits.maxBodyBytes(), json);
        this.executor = new AdmissionExecutor(limits.threads(), limits.queue());
        try {
            // Backlog: connections the kernel holds before they are accepted; admission control is the executor's.
            this.http = HttpServer.create(address, 128);
        } catch (IOException e) {
            executor.shutdownNow();
            throw new UncheckedIOException("cannot listen on " + address + ": " + e.getMessage(), e);
        }
        http.createContext("/", router);
        http.setExecutor(executor);
    }

    public synchronized ScoringServer start() {
        if (started) {
            throw new IllegalStateException("server already started");
        }
        started = true;
        http.start();
        return this;
    }

    /** The bound address; its port is the real one when 0 was asked for. */
    public InetSocketAddress address() {
        return http.getAddress();
    }

    public int port() {
        return http.getAddress().getPort();
    }

    /**
     * Stops gracefully: new requests are answered 503 "shutting down" while the ones running finish, for at most
     * {@code grace}; then the listener and all connections close. (The JDK's own {@code HttpServer.stop(delay)}
     * always waits the whole delay in Java 17, so the wait is done here.) Idempotent.
     *
     * @return true if every running request finished within the grace period
     */
    public boolean stop(Duration grace) throws InterruptedException {
        synchronized (this) {
            if (stopped) {
                return true;
            }
            stopped = true;
        }
        router.startDraining();
        boolean drained = executor.drain(grace.toMillis(), TimeUnit.MILLISECONDS);
        if (!drained) {
            log.warn("requests still running after the {} ms grace period; closing their connections", grace.toMillis());
        }
        http.stop(0);
        executor.shutdownNow();
        return drained;
    }
}
