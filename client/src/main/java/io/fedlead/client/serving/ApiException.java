package io.fedlead.client.serving;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Objects;

/**
 * A request the server answers with an error status and a JSON error body instead of a result: bad input (400),
 * too large (413), a failed reload (500). Carries every problem found, each naming the lead and field when it has
 * one, so a client can fix a whole request at once.
 */
public final class ApiException extends RuntimeException {
    private final int status;
    private final List<Problem> problems;

    /** One problem; {@code lead} is the index in {@code leads} or null, {@code field} the column or null. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Problem(Integer lead, String field, String message) {
        public Problem {
            Objects.requireNonNull(message, "message");
        }
    }

    public ApiException(int status, String message) {
        this(status, List.of(new Problem(null, null, message)));
    }

    /** @param problems at least one; the first becomes the exception's message */
    public ApiException(int status, List<Problem> problems) {
        super(problems.isEmpty() ? "no problem given" : problems.get(0).message(), null, false, false);
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("an error status must be 4xx or 5xx, got " + status);
        }
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("an ApiException needs at least one problem");
        }
        this.status = status;
        this.problems = List.copyOf(problems);
    }

    public int status() {
        return status;
    }

    public List<Problem> problems() {
        return problems;
    }
}
