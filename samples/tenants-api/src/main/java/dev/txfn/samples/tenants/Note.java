package dev.txfn.samples.tenants;

import java.time.OffsetDateTime;

/**
 * A note as the API returns it. It carries no tenant: the caller's token names the tenant, and row-level
 * security returns no other tenant's note.
 *
 * @param id the id, unique across tenants
 * @param title the title
 * @param body the text
 * @param createdAt when it was created
 * @param updatedAt when it was last changed
 */
public record Note(long id, String title, String body, OffsetDateTime createdAt, OffsetDateTime updatedAt) {
}
