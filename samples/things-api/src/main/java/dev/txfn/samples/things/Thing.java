package dev.txfn.samples.things;

import java.time.Instant;

/**
 * A thing, as stored and as answered.
 *
 * @param id server-assigned
 * @param name 1 to 128 characters
 * @param description at most 2,000 characters, or {@code null}
 * @param createdAt when it was created
 */
public record Thing(long id, String name, String description, Instant createdAt) {
}
