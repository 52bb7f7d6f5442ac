package dev.txfn.samples.tenants;

import dev.txfn.lambda.HttpProblem;

/**
 * The body of {@code POST /notes}.
 *
 * @param title 1 to 200 characters
 * @param body up to 10,000 characters; empty when absent
 */
public record NewNote(String title, String body) {

    /**
     * Checks the fields before any database work.
     *
     * @return this note with an absent body made empty
     * @throws HttpProblem 400 naming the field that is wrong
     */
    NewNote validated() {
        NotePatch.checkTitle(title, true);
        NotePatch.checkBody(body);
        return new NewNote(title, body == null ? "" : body);
    }
}
