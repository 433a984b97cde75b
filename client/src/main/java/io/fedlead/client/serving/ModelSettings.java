package io.fedlead.client.serving;

import io.fedlead.client.scoring.GradeScale;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * What the scoring service serves and how it grades.
 *
 * @param modelFile        {@code model.zip} written by a coordinator, with its provenance file beside it
 * @param schemaFile       feature schema YAML; empty = the schema stored in the model's provenance
 * @param reference        leads CSV scored at every (re)load to set the grade boundaries ({@link GradeScale#fromReference})
 * @param fixedGrades      fixed grade boundaries instead of a reference; at most one of the two
 * @param strictCategories refuse undeclared categories (400) instead of scoring them as "other" with a warning
 */
public record ModelSettings(Path modelFile, Optional<Path> schemaFile, Optional<Path> reference,
                            Optional<GradeScale> fixedGrades, boolean strictCategories) {
    public ModelSettings {
        Objects.requireNonNull(modelFile, "modelFile");
        Objects.requireNonNull(schemaFile, "schemaFile");
        Objects.requireNonNull(reference, "reference");
        Objects.requireNonNull(fixedGrades, "fixedGrades");
        if (reference.isPresent() && fixedGrades.isPresent()) {
            throw new IllegalArgumentException("give grade boundaries either from a reference CSV or as fixed cuts, not both");
        }
    }

    /** Serve {@code modelFile} with its own schema and no grades. */
    public static ModelSettings of(Path modelFile) {
        return new ModelSettings(modelFile, Optional.empty(), Optional.empty(), Optional.empty(), false);
    }

    public ModelSettings withReference(Path csv) {
        return new ModelSettings(modelFile, schemaFile, Optional.of(csv), Optional.empty(), strictCategories);
    }

    public ModelSettings withFixedGrades(GradeScale scale) {
        return new ModelSettings(modelFile, schemaFile, Optional.empty(), Optional.of(scale), strictCategories);
    }

    public ModelSettings withStrictCategories(boolean strict) {
        return new ModelSettings(modelFile, schemaFile, reference, fixedGrades, strict);
    }
}
