package dev.txfn.samples.things;

import dev.txfn.lambda.HttpProblem;

/**
 * The body of {@code POST /things}, and one entry of an import message.
 *
 * @param name required, 1 to 128 characters
 * @param description optional, at most 2,000 characters
 */
public record NewThing(String name, String description) {

    /** Fails with a 400 naming the field when a value is out of bounds. */
    NewThing validated() {
        ThingRules.name(name);
        ThingRules.description(description);
        return this;
    }

    /** The rules, shared with {@link ThingPatch}. */
    static final class ThingRules {
        static final int MAX_NAME = 128;
        static final int MAX_DESCRIPTION = 2_000;

        private ThingRules() {
        }

        static void name(String name) {
            if (name == null || name.isEmpty() || name.length() > MAX_NAME) {
                throw HttpProblem.badRequest("name", "name is required and must be 1 to " + MAX_NAME
                        + " characters");
            }
        }

        static void description(String description) {
            if (description != null && description.length() > MAX_DESCRIPTION) {
                throw HttpProblem.badRequest("description", "description must be at most " + MAX_DESCRIPTION
                        + " characters");
            }
        }
    }
}
