package dev.txfn.samples.things;

import dev.txfn.TxFn;
import java.util.List;
import java.util.Optional;

/**
 * The SQL of the things API, as transaction programs. Every write returns the row it wrote in the same
 * statement: the response is built from that materialized record after {@code COMMIT}, never by reading the
 * object back afterwards (which is what silently reopened a transaction in the post this sample reproduces).
 *
 * <p>Writes ask for the row as JDBC generated keys rather than with a {@code RETURNING} clause: pgjdbc appends
 * {@code RETURNING} to the same statement (one round trip, as before), and H2, which has no {@code RETURNING},
 * answers them too, so the routes can be unit-tested with an in-memory database. Stateless and thread-safe.
 */
public final class ThingStore {
    private static final String COLUMNS = "id, name, description, created_at";
    private static final String[] COLUMN_NAMES = {"id", "name", "description", "created_at"};

    private ThingStore() {
    }

    /** Inserts a thing. */
    public static TxFn<Thing> insert(NewThing draft) {
        return h -> h.createUpdate("insert into thing(name, description) values (:name, :description)")
                .bind("name", draft.name()).bind("description", draft.description())
                .executeAndReturnGeneratedKeys(COLUMN_NAMES).mapTo(Thing.class).one();
    }

    /** Finds a thing by id: one query, so under {@code readOnly} the whole transaction is one round trip. */
    public static TxFn<Optional<Thing>> find(long id) {
        return TxFn.query("select " + COLUMNS + " from thing where id = :id",
                q -> q.bind("id", id).mapTo(Thing.class).findOne());
    }

    /**
     * Lists up to {@code limit} things with an id above {@code after}, and whether there are more: one query
     * (asking for one row more than the page), then plain Java on its rows, so still one round trip.
     */
    public static TxFn<Page> page(long after, int limit) {
        return TxFn.query("select " + COLUMNS + " from thing where id > :after order by id limit :limit",
                q -> q.bind("after", after).bind("limit", limit + 1).mapTo(Thing.class).list())
                .map(rows -> {
                    boolean more = rows.size() > limit;
                    List<Thing> items = more ? List.copyOf(rows.subList(0, limit)) : rows;
                    return new Page(items, more ? items.get(items.size() - 1).id() : null);
                });
    }

    /** Applies a patch; empty when there is no such thing. */
    public static TxFn<Optional<Thing>> update(long id, ThingPatch patch) {
        return h -> h.createUpdate("update thing set"
                + " name = coalesce(:name, name),"
                + " description = case when :setDescription then :description else description end"
                + " where id = :id")
                .bind("id", id)
                .bind("name", patch.name() == null ? null : patch.name().orElse(null))
                .bind("setDescription", patch.description() != null)
                .bind("description", patch.description() == null ? null : patch.description().orElse(null))
                .executeAndReturnGeneratedKeys(COLUMN_NAMES).mapTo(Thing.class).findOne();
    }

    /** Deletes a thing; whether there was one. */
    public static TxFn<Boolean> delete(long id) {
        return h -> h.createUpdate("delete from thing where id = :id").bind("id", id).execute() == 1;
    }

    /** Inserts many things in one statement batch. */
    public static TxFn<Integer> insertAll(List<NewThing> drafts) {
        return h -> {
            var batch = h.prepareBatch("insert into thing(name, description) values (:name, :description)");
            for (NewThing draft : drafts) {
                batch.bind("name", draft.name()).bind("description", draft.description()).add();
            }
            int total = 0;
            for (int count : batch.execute()) {
                total += count;
            }
            return total;
        };
    }
}
