package io.fedlead.client.serving;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scoring service's endpoints, version 1:
 * <ul>
 *   <li>{@code POST /v1/score}: {@code {"leads": [{column: value, ...}, ...]}} to {@link ScoreResponse};
 *   <li>{@code GET /v1/model}: the served model's provenance, schema and grading ({@link ServingModel#describe()});
 *   <li>{@code POST /v1/admin/reload}: reads the model file (and reference) again and serves it from the next
 *       request on; on failure answers 500 and keeps serving the old model;
 *   <li>{@code GET /healthz}: {@code {"status": "ok", "model": {...}}}.
 * </ul>
 */
public final class ScoringApi {
    private static final Logger log = LoggerFactory.getLogger(ScoringApi.class);

    private final ModelHolder models;

    public ScoringApi(ModelHolder models) {
        this.models = Objects.requireNonNull(models, "models");
    }

    /**
     * The JSON mapper of the service: a repeated key in an object and anything after the body's JSON value are
     * errors (Jackson's defaults take the last duplicate and ignore trailing text).
     */
    public static ObjectMapper objectMapper() {
        return JsonMapper.builder()
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .build();
    }

    public List<Route> routes() {
        return List.of(
                new Route("POST", "/v1/score", body -> JsonResponse.ok(models.current().score(body))),
                new Route("GET", "/v1/model", body -> JsonResponse.ok(models.current().describe())),
                new Route("POST", "/v1/admin/reload", body -> reload()),
                new Route("GET", "/healthz", body -> JsonResponse.ok(health())));
    }

    private Map<String, Object> health() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "ok");
        body.put("model", models.current().ref());
        return body;
    }

    private JsonResponse reload() {
        ServingModel before = models.current();
        ModelHolder.Reload r;
        try {
            r = models.reload();
        } catch (Exception e) {
            log.warn("reload of {} failed; still serving {}", models.loader().settings().modelFile(),
                    describe(before.ref()), e);
            throw new ApiException(500, "reload failed, still serving model " + describe(before.ref()) + ": "
                    + e.getMessage());
        }
        log.info("reloaded {}: {} -> {}", models.loader().settings().modelFile(), describe(r.before().ref()),
                describe(r.after().ref()));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("previous", r.before().ref());
        body.put("model", r.after().ref());
        body.put("grading", r.after().grading());
        return JsonResponse.ok(body);
    }

    static String describe(ScoreResponse.ModelRef ref) {
        return (ref.version() == null ? "" : ref.version() + " ") + "sha256 " + ref.sha256().substring(0, 12);
    }
}
