package io.fedlead.client.serving;

import java.util.Objects;

/**
 * One endpoint: an HTTP method and an exact path, and the code that answers it.
 *
 * @param method  "GET" or "POST"; only POST routes receive a body
 * @param path    exact path, e.g. "/v1/score" (no prefix matching, no trailing slash)
 * @param handler turns the request body (empty for GET) into a response, or throws {@link ApiException}
 */
public record Route(String method, String path, Handler handler) {
    /** Answers one request. Anything it throws other than {@link ApiException} is answered 500 and logged. */
    @FunctionalInterface
    public interface Handler {
        JsonResponse handle(byte[] body) throws Exception;
    }

    public Route {
        Objects.requireNonNull(handler, "handler");
        if (!"GET".equals(method) && !"POST".equals(method)) {
            throw new IllegalArgumentException("route method must be GET or POST, got " + method);
        }
        if (path == null || !path.startsWith("/")) {
            throw new IllegalArgumentException("route path must start with '/', got " + path);
        }
    }
}
