package dev.txfn.samples.tenants;

import dev.txfn.lambda.HttpProblem;

/**
 * The body of {@code PATCH /notes/{id}}: the members present replace the note's; absent ones stay.
 *
 * @param title 1 to 200 characters, or {@code null} to keep it
 * @param body up to 10,000 characters, or {@code null} to keep it
 */
public record NotePatch(String title, String body) {

    /**
     * Checks the fields before any database work.
     *
     * @return this patch
     * @throws HttpProblem 400 naming the field that is wrong
     */
    NotePatch validated() {
        checkTitle(title, false);
        checkBody(body);
        return this;
    }

    static void checkTitle(String title, boolean required) {
        if (title == null) {
            if (required) {
                throw HttpProblem.badRequest("title", "title is required");
            }
            return;
        }
        if (title.isBlank() || title.length() > 200) {
            throw HttpProblem.badRequest("title", "title must be 1 to 200 characters");
        }
    }

    static void checkBody(String body) {
        if (body != null && body.length() > 10_000) {
            throw HttpProblem.badRequest("body", "body must not exceed 10000 characters");
        }
    }
}
