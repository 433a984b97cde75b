package io.fedlead.client;

/**
 * How a node's participation ended.
 *
 * @param rounds       training rounds whose updates the coordinator accepted
 * @param evaluations  evaluations reported
 * @param reason       the coordinator's closing reason
 */
public record ClientOutcome(String clientId, int rounds, int evaluations, int rejected, String reason) {
}
