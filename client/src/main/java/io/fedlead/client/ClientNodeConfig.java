package io.fedlead.client;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of one client node.
 *
 * @param name              the node's name in the federation, e.g. "unit-a"
 * @param holdoutFraction   share of local rows kept out of training for federated evaluation
 * @param pollWait          how long one long poll may wait for a task
 * @param chunkBytes        upload chunk size
 * @param reconnectInitial  first backoff after the coordinator is unreachable
 * @param reconnectMax      longest backoff between attempts
 * @param giveUpAfter       the node stops when the coordinator has been unreachable this long
 */
public record ClientNodeConfig(String name, double holdoutFraction, Duration pollWait, int chunkBytes,
                               Duration reconnectInitial, Duration reconnectMax, Duration giveUpAfter) {
    public ClientNodeConfig {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("client name must not be blank");
        }
        if (!(holdoutFraction > 0 && holdoutFraction < 1)) {
            throw new IllegalArgumentException("holdout fraction must be in (0, 1), got " + holdoutFraction);
        }
        if (pollWait.isNegative() || pollWait.toMillis() > 60_000) {
            throw new IllegalArgumentException("poll wait must be in [0, 60s], got " + pollWait);
        }
        if (reconnectInitial.isNegative() || reconnectInitial.isZero() || reconnectMax.compareTo(reconnectInitial) < 0) {
            throw new IllegalArgumentException("reconnect backoff must satisfy 0 < initial <= max, got "
                    + reconnectInitial + " and " + reconnectMax);
        }
    }

    public static ClientNodeConfig defaults(String name) {
        return new ClientNodeConfig(name, 0.2, Duration.ofSeconds(15), 1 << 20, Duration.ofMillis(250),
                Duration.ofSeconds(5), Duration.ofMinutes(2));
    }

    public ClientNodeConfig withHoldoutFraction(double f) {
        return new ClientNodeConfig(name, f, pollWait, chunkBytes, reconnectInitial, reconnectMax, giveUpAfter);
    }

    public ClientNodeConfig withGiveUpAfter(Duration d) {
        return new ClientNodeConfig(name, holdoutFraction, pollWait, chunkBytes, reconnectInitial, reconnectMax, d);
    }
}
