package io.fedlead.coordinator;

import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;

/** A joined client node: its name, the id and session token the coordinator gave it, and when it was last heard from. */
public final class ClientSession {
    private final String clientId;
    private final String name;
    private final String token;
    private final Instant joinedAt;
    private volatile long lastSeenNanos;

    ClientSession(String clientId, String name, String token, Instant joinedAt, long nowNanos) {
        this.clientId = Objects.requireNonNull(clientId);
        this.name = Objects.requireNonNull(name);
        this.token = Objects.requireNonNull(token);
        this.joinedAt = joinedAt;
        this.lastSeenNanos = nowNanos;
    }

    public String clientId() {
        return clientId;
    }

    public String name() {
        return name;
    }

    String token() {
        return token;
    }

    public Instant joinedAt() {
        return joinedAt;
    }

    long lastSeenNanos() {
        return lastSeenNanos;
    }

    void touch(long nowNanos) {
        lastSeenNanos = nowNanos;
    }

    /** Constant-time token comparison. */
    boolean tokenMatches(String presented) {
        return presented != null && MessageDigest.isEqual(token.getBytes(StandardCharsets.UTF_8),
                presented.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return name + "(" + clientId + ")";
    }
}
