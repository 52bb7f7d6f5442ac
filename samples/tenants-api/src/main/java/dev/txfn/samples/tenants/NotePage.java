package dev.txfn.samples.tenants;

import java.util.List;

/**
 * One page of notes, in id order.
 *
 * @param items the notes
 * @param next the {@code after} value of the next page, or {@code null} on the last page
 */
public record NotePage(List<Note> items, Long next) {
}
