package io.fedlead.client.serving;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Objects;

/**
 * The answer to {@code POST /v1/score}: which model scored, and one score per lead in request order.
 *
 * @param model  the model that scored (a reload between two requests shows here)
 * @param scores one per lead, {@code scores[i]} for {@code leads[i]}
 */
public record ScoreResponse(ModelRef model, List<LeadScore> scores) {
    public ScoreResponse {
        Objects.requireNonNull(model, "model");
        scores = List.copyOf(scores);
    }

    /**
     * Identifies a served model.
     *
     * @param version model version given by the coordinator ("r15"), or null if the provenance has none
     * @param round   training round, or null
     * @param sha256  the model's SHA-256 as the federation recorded it (the coordinator's model hash), or the
     *                model file's SHA-256 when the provenance has none
     * @param run     run id, or null
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ModelRef(String version, Integer round, String sha256, String run) {
        public ModelRef {
            Objects.requireNonNull(sha256, "sha256");
        }
    }

    /**
     * One lead's score.
     *
     * @param index       position in the request's {@code leads}
     * @param id          the lead's id column value, or null (left out) when it has none
     * @param probability conversion probability
     * @param rank        rank within this request, 1 = highest probability (ties in request order)
     * @param grade       "A".."D" against the server's fixed boundaries, or null (left out) when the server grades
     *                    nothing (started without {@code --reference} or {@code --grade-cuts})
     * @param reasons     up to three inputs that raised the log-odds most, then up to three that lowered it most
     * @param warnings    values accepted but worth knowing about (an undeclared category); left out when none
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record LeadScore(int index, String id, double probability, int rank, String grade, List<Reason> reasons,
                            @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> warnings) {
        public LeadScore {
            reasons = List.copyOf(reasons);
            warnings = List.copyOf(warnings);
        }
    }

    /**
     * @param feature an input slot, e.g. "pages_viewed" or "source=event"
     * @param effect  its effect on the log-odds (positive raises the probability); see {@code LeadScorer}
     */
    public record Reason(String feature, double effect) {
    }
}
