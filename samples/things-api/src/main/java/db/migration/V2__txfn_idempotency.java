package db.migration;

import dev.txfn.lambda.IdempotencyTable;
import java.sql.Statement;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/** Creates the table {@code ThingsImport} records processed message ids in, with txfn's own DDL. */
public final class V2__txfn_idempotency extends BaseJavaMigration {
    @Override
    public void migrate(Context context) throws Exception {
        try (Statement s = context.getConnection().createStatement()) {
            s.execute(IdempotencyTable.createTableSql());
        }
    }
}
