package db.migration;

import dev.txfn.lambda.IdempotencyTable;
import java.sql.Statement;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Gives the idempotency table the columns HTTP keys need (the request's fingerprint and the response to replay):
 * txfn's own DDL, safe on a table V2 made with an earlier txfn, a no-op on one it made already.
 */
public final class V3__txfn_idempotent_http extends BaseJavaMigration {
    @Override
    public void migrate(Context context) throws Exception {
        try (Statement s = context.getConnection().createStatement()) {
            s.execute(IdempotencyTable.createTableSql());
        }
    }
}
