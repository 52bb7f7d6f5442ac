package dev.txfn.samples.things;

import java.util.List;

/**
 * The body of an import message: things to create together.
 *
 * @param things at least one
 */
public record ImportBatch(List<NewThing> things) {

    /** Copies the list. */
    public ImportBatch {
        things = things == null ? null : List.copyOf(things);
    }
}
