package dev.txfn.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.txfn.EscapedResultException;
import dev.txfn.EscapedResultException.Reason;
import java.lang.reflect.Proxy;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.DatabaseMetaData;
import java.sql.NClob;
import java.sql.ParameterMetaData;
import java.sql.Ref;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.SQLXML;
import java.sql.Struct;
import java.time.Instant;
import java.time.LocalDate;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import javax.sql.rowset.serial.SerialBlob;
import javax.sql.rowset.serial.SerialClob;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.result.ResultIterable;
import org.junit.jupiter.api.Test;

class ResultGuardTest {

    enum Status { OPEN, CLOSED { @Override public String toString() { return "closed"; } } }

    record Money(BigDecimal amount, String currency) {}

    record Account(long id, String name, Instant createdAt, LocalDate since, UUID key, Status status,
            byte[] avatar, Integer score, BigInteger big, Money balance, String[] tags) {}

    record Owner(Stream<String> items) {}

    record Order(int number, Owner owner) {}

    record Line(String sku, Object owner) {}

    record Page(List<Line> items) {}

    record Row(Optional<Object> row) {}

    record Tree(String name, Iterable<String> children) {}

    /** Counts reads of its only component, which has a statically safe type. */
    record Counted(String name) {
        static final AtomicInteger READS = new AtomicInteger();

        @Override
        public String name() {
            READS.incrementAndGet();
            return name;
        }
    }

    /** Stands in for a JDBC ResultSet: closeable, bound to a connection. */
    static final class FakeResultSet implements AutoCloseable {
        @Override
        public void close() {
        }

        @Override
        public String toString() {
            return "FakeResultSet";
        }
    }

    /** An Iterable that is not a Collection: lazily produced, possibly from an open cursor. */
    static final class Cursor implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return List.of("a").iterator();
        }

        @Override
        public String toString() {
            return "cursor";
        }
    }

    /** A plain bean: not descended into. */
    static final class Bean {
        final Stream<String> hidden = Stream.of("x");
    }

    record Upload(String name, Path file) {}

    record Node(int value, Object next) {}

    /** A map key whose toString must not run while the guard labels it. */
    record Key(int id) {
        @Override
        public String toString() {
            throw new AssertionError("the guard ran Key.toString");
        }
    }

    /** A JDBC object as a driver hands it out (pgjdbc's PgBlob, PgArray keep the connection); any call fails. */
    private static Object connectionBound(Class<?> jdbcType) {
        return Proxy.newProxyInstance(ResultGuardTest.class.getClassLoader(), new Class<?>[] {jdbcType},
                (proxy, method, args) -> {
                    throw new AssertionError("the guard called " + method.getName());
                });
    }

    private static EscapedResultException escapeOf(Object result) {
        EscapedResultException e = catchThrowableOfType(EscapedResultException.class, () -> ResultGuard.check(result));
        assertThat(e).as("expected an EscapedResultException").isNotNull();
        return e;
    }

    private static String pathOfEscape(Object result) {
        EscapedResultException e = catchThrowableOfType(EscapedResultException.class, () -> ResultGuard.check(result));
        assertThat(e).as("expected an EscapedResultException").isNotNull();
        return e.path();
    }

    @Test
    void passesNullAndScalars() {
        for (Object value : Arrays.asList(null, "text", 42, 7L, 1.5d, true, 'c', BigDecimal.TEN, Instant.EPOCH,
                UUID.randomUUID(), Status.CLOSED, new byte[] {1}, new int[0], new String[] {"a"})) {
            assertThatCode(() -> ResultGuard.check(value)).as(String.valueOf(value)).doesNotThrowAnyException();
        }
    }

    @Test
    void passesRecordsOfSafeTypes() {
        Account account = new Account(1, "n", Instant.EPOCH, LocalDate.EPOCH, UUID.randomUUID(), Status.OPEN,
                new byte[] {1}, 3, BigInteger.ONE, new Money(BigDecimal.ONE, "EUR"), new String[] {"t"});

        assertThatCode(() -> ResultGuard.check(List.of(account, account))).doesNotThrowAnyException();
    }

    @Test
    void neverReadsComponentsWhoseTypesAreStaticallySafe() {
        Counted.READS.set(0);
        List<Counted> rows = IntStream.range(0, 10_000).mapToObj(i -> new Counted("n" + i)).toList();

        ResultGuard.check(rows);

        assertThat(Counted.READS).hasValue(0);
    }

    @Test
    void passesMaterializedCollectionsOfRecordsWithObjectComponents() {
        Page page = new Page(new ArrayList<>(List.of(new Line("a", "owner"), new Line("b", Optional.of(1)))));

        assertThatCode(() -> ResultGuard.check(Map.of("page", page))).doesNotThrowAnyException();
    }

    @Test
    void rejectsStreamInNestedRecordWithComponentPath() {
        EscapedResultException e = catchThrowableOfType(EscapedResultException.class,
                () -> ResultGuard.check(new Order(1, new Owner(Stream.of("x")))));

        assertThat(e.path()).isEqualTo("result.owner.items");
        assertThat(e.valueType()).startsWith("java.util.stream.");
    }

    @Test
    void rejectsIteratorAsListElementWithIndexPath() {
        assertThat(pathOfEscape(List.of("a", "b", "c", List.of(1).iterator()))).isEqualTo("result[3]");
    }

    @Test
    void rejectsValueInsideRecordsInsideListWithFullPath() {
        List<Line> lines = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            lines.add(new Line("sku" + i, i == 3 ? new FakeResultSet() : "owner"));
        }

        assertThat(pathOfEscape(new Page(lines))).isEqualTo("result.items[3].owner");
    }

    @Test
    void rejectsElementOfNonRandomAccessListByPosition() {
        assertThat(pathOfEscape(new LinkedList<>(List.of("a", new Cursor())))).isEqualTo("result[1]");
    }

    @Test
    void rejectsSetElementByIterationPosition() {
        assertThat(pathOfEscape(new LinkedHashSet<>(List.of("a", "b", new Cursor())))).isEqualTo("result[2]");
    }

    @Test
    void rejectsMapValueWithKeyPath() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("alice", "fine");
        map.put("bob", Stream.of(1));

        assertThat(pathOfEscape(map)).isEqualTo("result[bob]");
    }

    @Test
    void rejectsMapKeyWithKeyMarker() {
        assertThat(pathOfEscape(Map.of(new Cursor(), "value"))).isEqualTo("result[<Cursor>].<key>");
    }

    @Test
    void truncatesLongMapKeysInPath() {
        String key = "k".repeat(100);

        assertThat(pathOfEscape(Map.of(key, new FakeResultSet())))
                .isEqualTo("result[" + "k".repeat(29) + "...]");
    }

    @Test
    void looksThroughOptionalWithoutAddingToPath() {
        assertThat(pathOfEscape(Optional.of(new FakeResultSet()))).isEqualTo("result");
        assertThat(pathOfEscape(new Row(Optional.of(new FakeResultSet())))).isEqualTo("result.row");
    }

    @Test
    void rejectsObjectArrayElementWithIndexPath() {
        assertThat(pathOfEscape(new Object[] {"a", 1, new FakeResultSet()})).isEqualTo("result[2]");
        assertThat(pathOfEscape(new Object[][] {{"a"}, {"b", new Cursor()}})).isEqualTo("result[1][1]");
    }

    @Test
    void rejectsNonCollectionIterable() {
        EscapedResultException e = catchThrowableOfType(EscapedResultException.class,
                () -> ResultGuard.check(new Tree("root", new Cursor())));

        assertThat(e.path()).isEqualTo("result.children");
        assertThat(e.valueType()).isEqualTo(Cursor.class.getName());
    }

    @Test
    void checksClassOfPlainObjectsButDoesNotDescend() {
        assertThatCode(() -> ResultGuard.check(List.of(new Bean()))).doesNotThrowAnyException();
        assertThat(pathOfEscape(List.of(new FakeResultSet()))).isEqualTo("result[0]");
    }

    @Test
    void terminatesOnListContainingItself() {
        List<Object> cyclic = new ArrayList<>();
        cyclic.add(cyclic);
        cyclic.add("x");

        assertThatCode(() -> ResultGuard.check(cyclic)).doesNotThrowAnyException();

        cyclic.add(new Cursor());
        assertThat(pathOfEscape(cyclic)).isEqualTo("result[2]");
    }

    @Test
    void terminatesOnCycleThroughRecordsAndMaps() {
        Map<String, Object> map = new HashMap<>();
        List<Line> lines = new ArrayList<>();
        lines.add(new Line("a", map));
        map.put("lines", lines);
        map.put("self", map);

        assertThatCode(() -> ResultGuard.check(new Page(lines))).doesNotThrowAnyException();
    }

    @Test
    void rejectsJdbiResultIterable() {
        try (Handle handle = Jdbi.create("jdbc:h2:mem:").open()) {
            ResultIterable<Integer> lazy = handle.createQuery("select 1").mapTo(Integer.class);

            EscapedResultException e = catchThrowableOfType(EscapedResultException.class,
                    () -> ResultGuard.check(new Line("sku", lazy)));

            assertThat(e.path()).isEqualTo("result.owner");
            assertThat(e.valueType()).startsWith("org.jdbi.v3.core.result.");
        }
    }

    @Test
    void passesMaterializedJdbiResult() {
        try (Handle handle = Jdbi.create("jdbc:h2:mem:").open()) {
            List<Integer> rows = handle.createQuery("select 1").mapTo(Integer.class).list();

            assertThatCode(() -> ResultGuard.check(rows)).doesNotThrowAnyException();
        }
    }

    @Test
    void rejectsJdbiHandle() {
        try (Handle handle = Jdbi.create("jdbc:h2:mem:").open()) {
            assertThat(pathOfEscape(Optional.of(handle))).isEqualTo("result");
        }
    }

    @Test
    void rejectsResultIterableInsideMapEntryWithValuePath() {
        try (Handle handle = Jdbi.create("jdbc:h2:mem:").open()) {
            ResultIterable<Integer> query = handle.createQuery("select 1").mapTo(Integer.class);

            EscapedResultException e = escapeOf(List.of(Map.entry("rows", query)));

            assertThat(e.path()).isEqualTo("result[0].value");
            assertThat(e.reason()).isEqualTo(Reason.LAZY_OR_HANDLE_BOUND);
        }
    }

    @Test
    void rejectsHandleInSetOfMapEntries() {
        try (Handle handle = Jdbi.create("jdbc:h2:mem:").open()) {
            Map<String, Handle> byName = new HashMap<>();
            byName.put("h", handle);

            assertThat(pathOfEscape(Set.of(new AbstractMap.SimpleImmutableEntry<>("h", handle))))
                    .isEqualTo("result[0].value");
            assertThat(pathOfEscape(byName.entrySet())).isEqualTo("result[0].value");
        }
    }

    @Test
    void rejectsLazyKeyOfMapEntryWithKeyPath() {
        assertThat(pathOfEscape(new Line("sku", Map.entry(new Cursor(), 1)))).isEqualTo("result.owner.key");
    }

    @Test
    void terminatesOnCycleThroughMutableMapEntry() {
        AbstractMap.SimpleEntry<String, Object> entry = new AbstractMap.SimpleEntry<>("self", null);
        entry.setValue(List.of(entry));

        assertThatCode(() -> ResultGuard.check(entry)).doesNotThrowAnyException();
    }

    @Test
    void rejectsJdbcObjectsThatKeepTheirConnectionWithoutCallingThem() {
        for (Class<?> type : List.of(Blob.class, Clob.class, NClob.class, java.sql.Array.class, SQLXML.class,
                Ref.class, Struct.class, ResultSetMetaData.class, DatabaseMetaData.class, ParameterMetaData.class)) {
            EscapedResultException e = escapeOf(new Line("sku", connectionBound(type)));

            assertThat(e.path()).as(type.getName()).isEqualTo("result.owner");
            assertThat(e.reason()).as(type.getName()).isEqualTo(Reason.LAZY_OR_HANDLE_BOUND);
        }
    }

    @Test
    void passesTheJdksDisconnectedCopiesOfJdbcObjects() throws SQLException {
        List<Object> copies = List.of(new SerialBlob(new byte[] {1}), new SerialClob(new char[] {'a'}));

        assertThatCode(() -> ResultGuard.check(copies)).doesNotThrowAnyException();
    }

    @Test
    void passesPathsAndSqlExceptionsThoughTheyAreIterable() {
        Upload upload = new Upload("report", Path.of("/tmp", "report.csv"));

        assertThatCode(() -> ResultGuard.check(List.of(upload, Path.of("b"), new SQLException("failed"))))
                .doesNotThrowAnyException();
    }

    @Test
    void labelsMapKeysWithoutRunningTheirCode() {
        assertThat(pathOfEscape(Map.of(new Key(1), Stream.of(1)))).isEqualTo("result[<Key>]");
        assertThat(pathOfEscape(Map.of(Status.CLOSED, Stream.of(1)))).isEqualTo("result[CLOSED]");
    }

    @Test
    void walksRecordChainsDeeperThanTheThreadStack() {
        Object chain = "end";
        for (int i = 0; i < 100_000; i++) {
            chain = new Node(i, chain);
        }
        Object deep = chain;

        assertThatCode(() -> ResultGuard.check(deep)).doesNotThrowAnyException();
    }

    @Test
    void namesTheFullPathThroughNestingDeeperThanTheThreadStack() {
        List<UnaryOperator<Object>> wraps = List.of(List::of, inner -> new Node(0, inner), inner -> Map.of("k", inner),
                inner -> Map.entry("e", inner), Optional::of);
        List<String> segments = List.of("[0]", ".next", "[k]", ".value", "");
        int depth = 100_000;
        Object nested = Stream.of(1);
        String[] path = new String[depth];
        for (int i = 0; i < depth; i++) {
            nested = wraps.get(i % wraps.size()).apply(nested);
            path[depth - 1 - i] = segments.get(i % segments.size()); // each wrap goes outside the ones before
        }

        EscapedResultException e = escapeOf(nested);

        assertThat(e.path()).isEqualTo("result" + String.join("", path));
        assertThat(e.getMessage()).hasSizeLessThan(1_000).contains(e.path().length() + " characters");
    }
}
