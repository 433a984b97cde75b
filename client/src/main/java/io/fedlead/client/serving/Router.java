package io.fedlead.client.serving;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP edge: finds the route for a request, reads its body within the size limit, runs the route and writes
 * its JSON answer. Every failure becomes a JSON error with a status; nothing a client sends can end the server.
 * 404 unknown path, 405 wrong method (with {@code Allow}), 413 body over the limit, 503 when overloaded or
 * shutting down, an {@link ApiException}'s own status, and 500 for anything unexpected (logged with its stack
 * trace under an error id that the answer repeats).
 *
 * <p>Error body: {@code {"error": {"status": 400, "message": "...", "problems": [{"lead": 3, "field":
 * "pages_viewed", "message": "leads[3].pages_viewed: \"abc\" is not a number"}]}}}; {@code lead} and
 * {@code field} appear when the problem has them.
 */
final class Router implements HttpHandler {
    private static final Logger log = LoggerFactory.getLogger(Router.class);

    private final Map<String, Route> routes;
    private final long maxBodyBytes;
    private final ObjectMapper json;
    private final AtomicLong errorIds = new AtomicLong();
    private volatile boolean draining;

    /** The JSON error body. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ErrorBody(Detail error) {
        @JsonInclude(JsonInclude.Include.NON_NULL)
        record Detail(int status, String message, List<ApiException.Problem> problems) {
        }
    }

    Router(List<Route> routes, long maxBodyBytes, ObjectMapper json) {
        Map<String, Route> byPath = new LinkedHashMap<>();
        for (Route r : routes) {
            if (byPath.put(r.path(), r) != null) {
                throw new IllegalArgumentException("two routes for path " + r.path());
            }
        }
        this.routes = Map.copyOf(byPath);
        this.maxBodyBytes = maxBodyBytes;
        this.json = Objects.requireNonNull(json, "json");
    }

    /** From now on every request is answered 503 "shutting down"; requests already running finish. */
    void startDraining() {
        draining = true;
    }

    @Override
    public void handle(HttpExchange exchange) {
        long start = System.nanoTime();
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getPath();
        try {
            JsonResponse response = route(exchange, method, path);
            send(exchange, response.status(), response.body());
        } catch (ApiException e) {
            sendError(exchange, e);
        } catch (IOException e) {
            // The client went away mid-request or mid-answer: there is no one to tell.
            log.debug("{} {}: connection failed: {}", method, path, e.toString());
        } catch (Exception | StackOverflowError e) {
            long id = errorIds.incrementAndGet();
            log.error("{} {}: unexpected failure (error id {})", method, path, id, e);
            sendError(exchange, new ApiException(500, "internal error " + id + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + firstLine(e.getMessage())) + " (details in the server log)"));
        } finally {
            exchange.close();
            if (log.isDebugEnabled()) {
                log.debug("{} {} -> {} in {} ms", method, path, exchange.getResponseCode(),
                        (System.nanoTime() - start) / 1_000_000);
            }
        }
    }

    private JsonResponse route(HttpExchange exchange, String method, String path) throws Exception {
        if (draining) {
            exchange.getResponseHeaders().set("Connection", "close");
            throw new ApiException(503, "server is shutting down");
        }
        if (AdmissionExecutor.onOverflowThread()) {
            exchange.getResponseHeaders().set("Retry-After", "1");
            throw new ApiException(503, "server busy: every worker is taken and the queue is full; retry shortly");
        }
        Route route = routes.get(path);
        if (route == null) {
            throw new ApiException(404, "no endpoint " + path + "; endpoints: " + routes.keySet().stream().sorted().toList());
        }
        if (!route.method().equals(method)) {
            exchange.getResponseHeaders().set("Allow", route.method());
            throw new ApiException(405, "method " + method + " is not allowed on " + path + "; use " + route.method());
        }
        byte[] body = method.equals("POST") ? readBody(exchange) : new byte[0];
        return route.handler().handle(body);
    }

    private byte[] readBody(HttpExchange exchange) throws IOException {
        String declared = exchange.getRequestHeaders().getFirst("Content-Length");
        if (declared != null) {
            long length;
            try {
                length = Long.parseLong(declared.trim());
            } catch (NumberFormatException e) {
                throw new ApiException(400, "Content-Length '" + declared + "' is not a number");
            }
            if (length > maxBodyBytes) {
                throw tooLarge("request body is " + length + " bytes");
            }
        }
        // Chunked bodies declare no length: read one byte past the limit to know whether they exceed it.
        InputStream in = exchange.getRequestBody();
        byte[] body = in.readNBytes((int) maxBodyBytes + 1);
        if (body.length > maxBodyBytes) {
            throw tooLarge("request body is larger than " + maxBodyBytes + " bytes");
        }
        return body;
    }

    private ApiException tooLarge(String what) {
        return new ApiException(413, what + "; the limit is " + maxBodyBytes
                + " bytes (--max-body-bytes): send fewer leads per request");
    }

    private void sendError(HttpExchange exchange, ApiException e) {
        if (e.status() == 413) {
            // The unread rest of the body is not drained; the connection cannot be reused.
            exchange.getResponseHeaders().set("Connection", "close");
        }
        if (exchange.getResponseCode() != -1) {
            log.warn("{} {}: failed after the answer had started; closing: {}", exchange.getRequestMethod(),
                    exchange.getRequestURI().getPath(), e.getMessage());
            return;
        }
        List<ApiException.Problem> problems = e.problems();
        String message = problems.size() == 1 ? problems.get(0).message()
                : problems.get(0).message() + " (and " + (problems.size() - 1) + " more)";
        boolean located = problems.stream().anyMatch(p -> p.lead() != null || p.field() != null);
        ErrorBody body = new ErrorBody(new ErrorBody.Detail(e.status(), message,
                located || problems.size() > 1 ? problems : null));
        try {
            send(exchange, e.status(), body);
        } catch (IOException io) {
            log.debug("could not send error {} to the client: {}", e.status(), io.toString());
        }
    }

    private void send(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] bytes = json.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        if (exchange.getRequestMethod().equals("HEAD")) {
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        String line = nl < 0 ? s : s.substring(0, nl);
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }
}
