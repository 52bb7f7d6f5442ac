package dev.txfn.samples.things;

import java.util.List;

/**
 * One page of a keyset-paginated listing.
 *
 * @param items the things, by ascending id
 * @param next the {@code after} value of the next page, or {@code null} on the last page
 */
public record Page(List<Thing> items, Long next) {

    /** Copies the items. */
    public Page {
        items = List.copyOf(items);
    }
}
