package io.fedlead.client.serving;

import java.util.Objects;

/**
 * What a route answers: an HTTP status and a body that Jackson serialises to JSON.
 *
 * @param status 2xx
 * @param body   a record, map or list
 */
public record JsonResponse(int status, Object body) {
    public JsonResponse {
        Objects.requireNonNull(body, "body");
        if (status < 200 || status > 299) {
            throw new IllegalArgumentException("a JsonResponse is a success (2xx); errors are ApiExceptions, got " + status);
        }
    }

    public static JsonResponse ok(Object body) {
        return new JsonResponse(200, body);
    }
}
