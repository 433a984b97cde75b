package io.fedlead.coordinator;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/** The clients that joined this run. Thread-safe. A client that rejoins under the same name gets a fresh token. */
public final class ClientRegistry {
    private final Map<String, ClientSession> byId = new ConcurrentHashMap<>();
    private final Map<String, ClientSession> byName = new ConcurrentHashMap<>();
    private final SecureRandom random;
    private final Clock clock;
    private final LongSupplier nanoTime;
    private final long livenessNanos;
    private final Object joinLock = new Object();

    /**
     * @param livenessNanos a client not heard from for this long is not sampled into new rounds
     */
    public ClientRegistry(SecureRandom random, Clock clock, LongSupplier nanoTime, long livenessNanos) {
        this.random = random;
        this.clock = clock;
        this.nanoTime = nanoTime;
        this.livenessNanos = livenessNanos;
    }

    ClientSession join(String name) {
        synchronized (joinLock) {
            ClientSession previous = byName.get(name);
            String id = previous != null ? previous.clientId() : "c" + (byId.size() + 1) + "-" + hex(4);
            ClientSession session = new ClientSession(id, name, hex(16), clock.instant(), nanoTime.getAsLong());
            byId.put(id, session);
            byName.put(name, session);
            joinLock.notifyAll();
            return session;
        }
    }

    Optional<ClientSession> find(String clientId) {
        return Optional.ofNullable(byId.get(clientId));
    }

    /** Clients heard from recently, in join order (id order), for sampling. */
    public List<ClientSession> active() {
        long now = nanoTime.getAsLong();
        List<ClientSession> out = new ArrayList<>();
        for (ClientSession s : byId.values()) {
            if (now - s.lastSeenNanos() <= livenessNanos) {
                out.add(s);
            }
        }
        out.sort(Comparator.comparing(ClientSession::clientId));
        return out;
    }

    public int size() {
        return byId.size();
    }

    /** Blocks until at least {@code n} clients are active or the timeout passes; returns whether they are. */
    boolean awaitActive(int n, long timeoutNanos) throws InterruptedException {
        long deadline = nanoTime.getAsLong() + timeoutNanos;
        synchronized (joinLock) {
            while (active().size() < n) {
                long left = deadline - nanoTime.getAsLong();
                if (left <= 0) {
                    return false;
                }
                joinLock.wait(Math.max(1, Math.min(left / 1_000_000, 500)));
            }
            return true;
        }
    }

    private String hex(int bytes) {
        byte[] b = new byte[bytes];
        random.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
