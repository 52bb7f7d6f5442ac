package dev.txfn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.enums.EnumByOrdinal;
import org.jdbi.v3.core.enums.EnumStrategy;
import org.jdbi.v3.core.enums.Enums;
import org.jdbi.v3.core.mapper.ColumnMappers;
import org.jdbi.v3.core.mapper.Nested;
import org.jdbi.v3.core.mapper.reflect.ColumnName;
import org.jdbi.v3.core.mapper.reflect.JdbiConstructor;
import org.jdbi.v3.core.mapper.reflect.ReflectionMappers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Records map with no registration and with the semantics of Jdbi's ConstructorMapper. */
class RecordMappingTest {
    private static Database db;
    private static Tx tx;

    record Thing(long id, String name, Instant createdAt) {
    }

    record Renamed(@ColumnName("thing_name") String name) {
    }

    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.PARAMETER)
    @interface Nullable {
    }

    record WithOptional(long id, @Nullable String note) {
    }

    private record Secret(long id) {
    }

    enum Colour { RED, GREEN, BLUE }

    record Painted(@EnumByOrdinal Colour colour) {
    }

    record Inner(String name) {
    }

    /** A type-use {@code @Nullable}, as JSpecify's. */
    static final class TypeUse {
        @Retention(RetentionPolicy.RUNTIME)
        @Target(ElementType.TYPE_USE)
        @interface Nullable {
        }
    }

    record WithTypeUseOptional(long id, @TypeUse.Nullable String note) {
    }

    record NullablePrimitive(long id, @Nullable int count) {
    }

    record Named(String name) {
        @JdbiConstructor
        static Named of(String name) {
            return new Named("made:" + name);
        }
    }

    record Outer(long id, @Nested Inner inner) {
    }

    private static final String THING = "select 7 as id, 'seven' as name, now() as created_at";

    @BeforeAll
    static void setUp() {
        db = TestDb.database(1, "txfn-record-mapping-test");
        tx = Tx.create(db);
    }

    @AfterAll
    static void tearDown() {
        db.close();
    }

    @Test
    void matchesColumnsCaseInsensitivelyAndSnakeCaseToCamelCase() {
        Thing thing = tx.readOnly(h -> h.createQuery("select 7 as \"ID\", 'seven' as \"Name\", now() as created_at")
                .mapTo(Thing.class).one());

        assertThat(thing.id()).isEqualTo(7);
        assertThat(thing.name()).isEqualTo("seven");
        assertThat(thing.createdAt()).isNotNull();
    }

    @Test
    void mapsEveryColumnOrderOfTheSameRecord() {
        List<Thing> things = tx.readOnly(h -> List.of(
                h.createQuery(THING).mapTo(Thing.class).one(),
                h.createQuery("select now() as created_at, 'eight' as name, 8 as id").mapTo(Thing.class).one(),
                h.createQuery(THING).mapTo(Thing.class).one()));

        assertThat(things).extracting(Thing::id).containsExactly(7L, 8L, 7L);
        assertThat(things).extracting(Thing::name).containsExactly("seven", "eight", "seven");
    }

    @Test
    void honoursColumnName() {
        Renamed renamed = tx.readOnly(h -> h.createQuery("select 'x' as thing_name").mapTo(Renamed.class).one());

        assertThat(renamed.name()).isEqualTo("x");
    }

    @Test
    void aNullableComponentMayBeMissing() {
        WithOptional value = tx.readOnly(h -> h.createQuery("select 1 as id").mapTo(WithOptional.class).one());

        assertThat(value).isEqualTo(new WithOptional(1, null));
    }

    @Test
    void aMissingComponentIsNamedInTheError() {
        assertThatThrownBy(() -> tx.readOnly(h -> h.createQuery("select 1 as id, 'n' as name")
                .mapTo(Thing.class).one()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[createdAt]")
                .hasMessageContaining("[id, name]");
    }

    @Test
    void noMatchingColumnFailsOnlyWhenARowIsMapped() {
        List<Thing> none = tx.readOnly(h -> h.createQuery("select 1 as other where false")
                .mapTo(Thing.class).list());

        assertThat(none).isEmpty();
        assertThatThrownBy(() -> tx.readOnly(h -> h.createQuery("select 1 as other").mapTo(Thing.class).list()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no component of record");
    }

    @Test
    void strictMatchingOnAHandleIsHonouredAfterTheSameColumnsMappedLeniently() {
        String extra = "select 7 as id, 'seven' as name, now() as created_at, 1 as extra";
        assertThat(tx.readOnly(h -> h.createQuery(extra).mapTo(Thing.class).one()).id()).isEqualTo(7);

        assertThatThrownBy(() -> tx.readOnly(h -> {
            h.getConfig(ReflectionMappers.class).setStrictMatching(true);
            return h.createQuery(extra).mapTo(Thing.class).one();
        })).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[extra]");
    }

    @Test
    void aColumnMapperRegisteredOnAHandleAppliesToThatHandleOnly() {
        assertThat(tx.readOnly(h -> h.createQuery(THING).mapTo(Thing.class).one()).name()).isEqualTo("seven");

        Thing shouted = tx.readOnly(h -> h.registerColumnMapper(String.class,
                        (rs, column, ctx) -> rs.getString(column).toUpperCase(java.util.Locale.ROOT))
                .createQuery(THING).mapTo(Thing.class).one());
        Thing after = tx.readOnly(h -> h.createQuery(THING).mapTo(Thing.class).one());

        assertThat(shouted.name()).isEqualTo("SEVEN");
        assertThat(after.name()).isEqualTo("seven");
    }

    @Test
    void aColumnMapperRegisteredOnTheJdbiApplies() {
        Tx custom = Tx.builder(db).configureJdbi(jdbi -> jdbi.registerColumnMapper(String.class,
                (rs, column, ctx) -> "<" + rs.getString(column) + ">")).build();

        assertThat(custom.readOnly(h -> h.createQuery(THING).mapTo(Thing.class).one()).name())
                .isEqualTo("<seven>");
    }

    @Test
    void aTypeUseNullableComponentMayBeMissing() {
        WithTypeUseOptional value = tx.readOnly(h -> h.createQuery("select 1 as id")
                .mapTo(WithTypeUseOptional.class).one());

        assertThat(value).isEqualTo(new WithTypeUseOptional(1, null));
    }

    @Test
    void aMissingNullablePrimitiveIsAClearError() {
        assertThatThrownBy(() -> tx.readOnly(h -> h.createQuery("select 1 as id").mapTo(NullablePrimitive.class)
                .one())).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'count'")
                .hasMessageContaining("primitive");
    }

    @Test
    void aJdbiConstructorFactoryMethodIsUsed() {
        Named named = tx.readOnly(h -> h.createQuery("select 'x' as name").mapTo(Named.class).one());

        assertThat(named.name()).isEqualTo("made:x");
    }

    @Test
    void anEnumStrategyOnAHandleAppliesAfterOtherHandlesMappedByName() {
        record Shade(Colour colour) {
        }
        Shade byName = tx.readOnly(h -> h.createQuery("select 'GREEN' as colour").mapTo(Shade.class).one());
        Shade byOrdinal = tx.readOnly(h -> {
            h.getConfig(Enums.class).setEnumStrategy(EnumStrategy.BY_ORDINAL);
            return h.createQuery("select 2 as colour").mapTo(Shade.class).one();
        });

        assertThat(byName.colour()).isEqualTo(Colour.GREEN);
        assertThat(byOrdinal.colour()).isEqualTo(Colour.BLUE);
    }

    @Test
    void nullCoalescingOfPrimitivesOnAHandleAppliesAfterOtherHandlesMapped() {
        record Counted(long count) {
        }
        Counted three = tx.readOnly(h -> h.createQuery("select 3 as count").mapTo(Counted.class).one());
        Counted coalesced = tx.readOnly(h -> {
            h.getConfig(ColumnMappers.class).setCoalesceNullPrimitivesToDefaults(true);
            return h.createQuery("select null::bigint as count").mapTo(Counted.class).one();
        });

        assertThat(three.count()).isEqualTo(3);
        assertThat(coalesced.count()).isZero();
        assertThatThrownBy(() -> tx.readOnly(h -> {
            h.getConfig(ColumnMappers.class).setCoalesceNullPrimitivesToDefaults(false);
            return h.createQuery("select null::bigint as count").mapTo(Counted.class).one();
        })).hasMessageContaining("null");
    }

    @Test
    void mapsAPrivateRecord() {
        assertThat((Object) tx.readOnly(h -> h.createQuery("select 3 as id").mapTo(Secret.class).one()))
                .isEqualTo(new Secret(3));
    }

    @Test
    void qualifiersSelectTheColumnMapper() {
        assertThat(tx.readOnly(h -> h.createQuery("select 2 as colour").mapTo(Painted.class).one()).colour())
                .isEqualTo(Colour.BLUE);
    }

    @Test
    void nestedRecordsMapThroughJdbisConstructorMapper() {
        Outer outer = tx.readOnly(h -> h.createQuery("select 1 as id, 'in' as name").mapTo(Outer.class).one());

        assertThat(outer).isEqualTo(new Outer(1, new Inner("in")));
    }
}
