package dev.txfn.samples.things;

import com.fasterxml.jackson.annotation.JsonCreator;
import dev.txfn.lambda.HttpProblem;
import java.util.Map;
import java.util.Optional;

/**
 * The body of {@code PATCH /things/{id}}, with JSON merge patch semantics: a missing member leaves the field as
 * it is, {@code "description": null} clears the description. The name cannot be cleared.
 *
 * @param name the new name, or {@code null} when absent
 * @param description the new description, empty to clear it, or {@code null} when absent
 */
public record ThingPatch(Optional<String> name, Optional<String> description) {

    /**
     * Reads the members, telling a missing member from a JSON {@code null}, which a record's components alone
     * cannot.
     *
     * @param members the JSON object's members
     * @return the patch
     * @throws HttpProblem (400, naming the field) for an unknown member or a value that is not text
     */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    static ThingPatch fromJson(Map<String, Object> members) {
        for (String member : members.keySet()) {
            if (!member.equals("name") && !member.equals("description")) {
                throw HttpProblem.badRequest(member, "unknown property '" + member + "': a patch may set name and"
                        + " description");
            }
        }
        return new ThingPatch(member(members, "name"), member(members, "description"));
    }

    private static Optional<String> member(Map<String, Object> members, String name) {
        if (!members.containsKey(name)) {
            return null;
        }
        Object value = members.get(name);
        if (value != null && !(value instanceof String)) {
            throw HttpProblem.badRequest(name, "wrong type: expected String");
        }
        return Optional.ofNullable((String) value);
    }

    ThingPatch validated() {
        if (name != null) {
            NewThing.ThingRules.name(name.orElse(null));
        }
        if (description != null) {
            NewThing.ThingRules.description(description.orElse(null));
        }
        return this;
    }
}
