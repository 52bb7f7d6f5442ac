package dev.txfn.samples.tenants;

import dev.txfn.TxFn;
import java.util.List;
import java.util.Optional;

/**
 * The SQL of the notes API, as transaction programs. Not one statement names a tenant: the table's default
 * takes {@code tenant_id} from the transaction's {@code app.tenant_id}, and the row-level security policy
 * hides every other tenant's rows from every statement, so a note of another tenant is simply not found.
 * Stateless and thread-safe.
 */
public final class NoteStore {
    private static final String COLUMNS = "id, title, body, created_at, updated_at";

    private NoteStore() {
    }

    /** Inserts a note for the transaction's tenant. */
    public static TxFn<Note> insert(NewNote draft) {
        return h -> h.createQuery("insert into note(title, body) values (:title, :body) returning " + COLUMNS)
                .bind("title", draft.title()).bind("body", draft.body()).mapTo(Note.class).one();
    }

    /** Finds a note of the transaction's tenant: one query, one round trip under {@code readOnly}. */
    public static TxFn<Optional<Note>> find(long id) {
        return TxFn.query("select " + COLUMNS + " from note where id = :id",
                q -> q.bind("id", id).mapTo(Note.class).findOne());
    }

    /** Lists up to {@code limit} notes of the transaction's tenant with an id above {@code after}. */
    public static TxFn<NotePage> page(long after, int limit) {
        return TxFn.query("select " + COLUMNS + " from note where id > :after order by id limit :limit",
                q -> q.bind("after", after).bind("limit", limit + 1).mapTo(Note.class).list())
                .map(rows -> {
                    boolean more = rows.size() > limit;
                    List<Note> items = more ? List.copyOf(rows.subList(0, limit)) : rows;
                    return new NotePage(items, more ? items.get(items.size() - 1).id() : null);
                });
    }

    /** Applies a patch; empty when the tenant has no such note. */
    public static TxFn<Optional<Note>> update(long id, NotePatch patch) {
        return h -> h.createQuery("update note set title = coalesce(:title, title), body = coalesce(:body, body),"
                + " updated_at = now() where id = :id returning " + COLUMNS)
                .bind("id", id).bind("title", patch.title()).bind("body", patch.body())
                .mapTo(Note.class).findOne();
    }

    /** Deletes a note; whether the tenant had it. */
    public static TxFn<Boolean> delete(long id) {
        return h -> h.createUpdate("delete from note where id = :id").bind("id", id).execute() == 1;
    }
}
