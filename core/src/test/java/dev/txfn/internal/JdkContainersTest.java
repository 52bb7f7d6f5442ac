package dev.txfn.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.txfn.EscapedResultException;
import dev.txfn.EscapedResultException.Reason;
import java.util.AbstractCollection;
import java.util.AbstractList;
import java.util.AbstractMap;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

/** Which collections, maps and entries the result guard walks, and that it refuses the rest unopened. */
class JdkContainersTest {

    enum Status { OPEN }

    record Line(String sku, Object owner) {}

    record Report(List<?> rows) {}

    /** A record that is also a map entry: read by its accessors, like any record. */
    record Pair(String key, Object value) implements Map.Entry<String, Object> {
        @Override
        public String getKey() {
            return key;
        }

        @Override
        public Object getValue() {
            return value;
        }

        @Override
        public Object setValue(Object replacement) {
            throw new UnsupportedOperationException();
        }
    }

    /** A lazy view in the shape of Guava's Lists.transform: every get runs the function. */
    static final class TransformedList<F, T> extends AbstractList<T> implements RandomAccess {
        private final List<F> from;
        private final Function<F, T> function;

        TransformedList(List<F> from, Function<F, T> function) {
            this.from = from;
            this.function = function;
        }

        @Override
        public T get(int index) {
            return function.apply(from.get(index));
        }

        @Override
        public int size() {
            return from.size();
        }
    }

    /** A list of the user's own that counts every call the guard could make on it. */
    static final class CountingList extends AbstractList<Object> implements RandomAccess {
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public Object get(int index) {
            calls.incrementAndGet();
            return "row";
        }

        @Override
        public int size() {
            calls.incrementAndGet();
            return 1;
        }
    }

    /** A collection that is neither a list nor a set, counting calls. */
    static final class CountingCollection extends AbstractCollection<Object> {
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public Iterator<Object> iterator() {
            calls.incrementAndGet();
            return List.<Object>of("row").iterator();
        }

        @Override
        public int size() {
            calls.incrementAndGet();
            return 1;
        }
    }

    /** A map of the user's own, counting calls. */
    static final class CountingMap extends AbstractMap<String, Object> {
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public Set<Map.Entry<String, Object>> entrySet() {
            calls.incrementAndGet();
            return Set.of(Map.entry("k", "v"));
        }
    }

    /** A map entry of the user's own, counting calls. */
    static final class CountingEntry implements Map.Entry<String, Object> {
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public String getKey() {
            calls.incrementAndGet();
            return "k";
        }

        @Override
        public Object getValue() {
            calls.incrementAndGet();
            return "v";
        }

        @Override
        public Object setValue(Object value) {
            throw new UnsupportedOperationException();
        }
    }

    /** A subclass of a JDK map: the class is the user's, so it is refused like any other. */
    static final class Tally extends HashMap<String, Integer> {
        private static final long serialVersionUID = 1L;
    }

    @Test
    void rejectsLazyViewOverTheHandleWithoutRunningItsQueries() {
        try (Handle handle = Jdbi.create("jdbc:h2:mem:").open()) {
            AtomicInteger queries = new AtomicInteger();
            List<Integer> rows = new TransformedList<>(List.of(1, 2, 3), id -> {
                queries.incrementAndGet();
                return handle.createQuery("select :id").bind("id", id).mapTo(Integer.class).one();
            });

            EscapedResultException e = escapeOf(new Report(rows));

            assertThat(e.path()).isEqualTo("result.rows");
            assertThat(e.reason()).isEqualTo(Reason.UNCHECKABLE_CONTAINER);
            assertThat(e.getMessage()).contains("List.copyOf");
            assertThat(queries).hasValue(0);
        }
    }

    @Test
    void rejectsCollectionsFromOutsideTheJdkWithoutCallingThem() {
        CountingList list = new CountingList();
        CountingCollection collection = new CountingCollection();
        CountingMap map = new CountingMap();
        CountingEntry entry = new CountingEntry();

        for (Object value : List.of(list, collection, map, entry, new Tally())) {
            EscapedResultException e = escapeOf(new Line("sku", value));

            assertThat(e.path()).as(value.getClass().getName()).isEqualTo("result.owner");
            assertThat(e.reason()).as(value.getClass().getName()).isEqualTo(Reason.UNCHECKABLE_CONTAINER);
        }
        assertThat(list.calls.get() + collection.calls.get() + map.calls.get() + entry.calls.get()).isZero();
    }

    @Test
    void rejectsJdkWrappersOfCollectionsTheyWereHandedWithoutCallingThem() {
        Map<String, Function<CountingList, Object>> listWrappers = new LinkedHashMap<>();
        listWrappers.put("unmodifiableList", Collections::unmodifiableList);
        listWrappers.put("synchronizedList", Collections::synchronizedList);
        listWrappers.put("checkedList", lazy -> Collections.checkedList(lazy, Object.class));
        listWrappers.put("AbstractList.subList", lazy -> lazy.subList(0, 1));
        Map<String, Function<CountingMap, Object>> mapWrappers = new LinkedHashMap<>();
        mapWrappers.put("unmodifiableMap", Collections::unmodifiableMap);
        mapWrappers.put("AbstractMap.keySet", CountingMap::keySet);
        mapWrappers.put("AbstractMap.values", CountingMap::values);

        listWrappers.forEach((name, wrap) -> {
            CountingList lazy = new CountingList();
            Object wrapper = wrap.apply(lazy);
            lazy.calls.set(0);

            assertThat(escapeOf(wrapper).reason()).as(name).isEqualTo(Reason.UNCHECKABLE_CONTAINER);
            assertThat(lazy.calls).as(name).hasValue(0);
        });
        mapWrappers.forEach((name, wrap) -> {
            CountingMap lazy = new CountingMap();
            Object wrapper = wrap.apply(lazy);

            assertThat(escapeOf(wrapper).reason()).as(name).isEqualTo(Reason.UNCHECKABLE_CONTAINER);
            assertThat(lazy.calls).as(name).hasValue(0);
        });
        // Whatever it wraps: the guard cannot see inside without running the wrapped collection's code.
        assertThat(escapeOf(Collections.unmodifiableList(new ArrayList<>())).reason())
                .isEqualTo(Reason.UNCHECKABLE_CONTAINER);
        assertThat(escapeOf(Collections.newSetFromMap(new HashMap<>())).reason())
                .isEqualTo(Reason.UNCHECKABLE_CONTAINER);
    }

    @Test
    void walksTheJdksOwnCollectionsAndTheViewsTheyHandOut() {
        Object bad = new FakeResultSet();
        TreeSet<Object> sorted = new TreeSet<>(Comparator.comparing(Object::toString));
        sorted.add(bad);
        Map<String, Object> cases = new LinkedHashMap<>();
        cases.put("ArrayList", new ArrayList<>(List.of("a", bad)));
        cases.put("ArrayList.subList", new ArrayList<>(List.of("a", bad, "c")).subList(1, 2));
        cases.put("LinkedList", new LinkedList<>(List.of(bad)));
        cases.put("ArrayDeque", new ArrayDeque<>(List.of(bad)));
        cases.put("HashSet", new HashSet<>(List.of(bad)));
        cases.put("TreeSet", sorted);
        cases.put("List.of", List.of(bad));
        cases.put("List.of.subList", List.of("a", bad).subList(1, 2));
        cases.put("Set.of", Set.of(bad));
        cases.put("Stream.toList", Stream.of(bad).toList());
        cases.put("Collectors.toList", Stream.of(bad).collect(Collectors.toList()));
        cases.put("Arrays.asList", Arrays.asList("a", bad));
        cases.put("Collections.singletonList", Collections.singletonList(bad));
        cases.put("Collections.nCopies", Collections.nCopies(2, bad));
        cases.put("CopyOnWriteArrayList", new CopyOnWriteArrayList<>(List.of(bad)));
        cases.put("ConcurrentLinkedQueue", new ConcurrentLinkedQueue<>(List.of(bad)));
        cases.put("HashMap", new HashMap<>(Map.of("k", bad)));
        cases.put("HashMap.values", new HashMap<>(Map.of("k", bad)).values());
        cases.put("HashMap.keySet", new HashMap<>(Map.of(bad, "v")).keySet());
        cases.put("LinkedHashMap.entrySet", new LinkedHashMap<>(Map.of("k", bad)).entrySet());
        cases.put("TreeMap.headMap", new TreeMap<>(Map.of("a", bad, "z", "v")).headMap("m"));
        cases.put("ConcurrentHashMap", new ConcurrentHashMap<>(Map.of("k", bad)));
        cases.put("EnumMap", new EnumMap<>(Map.of(Status.OPEN, bad)));
        cases.put("Map.of", Map.of("k", bad));
        cases.put("Collections.singletonMap", Collections.singletonMap("k", bad));
        cases.put("Collectors.partitioningBy", Stream.of(bad).collect(Collectors.partitioningBy(x -> true)));
        cases.put("Map.entry", Map.entry("k", bad));
        cases.put("AbstractMap.SimpleEntry", new AbstractMap.SimpleEntry<>("k", bad));

        cases.forEach((name, container) ->
                assertThat(escapeOf(container).reason()).as(name).isEqualTo(Reason.LAZY_OR_HANDLE_BOUND));
    }

    @Test
    void passesTheJdksEmptyAndSingletonCollections() {
        for (Object value : List.of(Collections.emptyList(), Collections.emptySet(), Collections.emptyMap(),
                Collections.emptyNavigableSet(), Collections.emptySortedMap(), Collections.singleton("a"),
                Collections.singletonMap("k", List.of(1)), Collections.nCopies(3, "x"))) {
            assertThatCode(() -> ResultGuard.check(new Line("sku", value))).as(value.getClass().getName())
                    .doesNotThrowAnyException();
        }
    }

    @Test
    void walksRecordThatIsAMapEntryByItsComponents() {
        EscapedResultException e = escapeOf(new Pair("k", Stream.of(1)));

        assertThat(e.path()).isEqualTo("result.value");
        assertThat(e.reason()).isEqualTo(Reason.LAZY_OR_HANDLE_BOUND);
    }

    /** Stands in for a JDBC ResultSet: what the guard finds only if it walks the container holding it. */
    static final class FakeResultSet implements AutoCloseable {
        @Override
        public void close() {
        }

        @Override
        public String toString() {
            return "FakeResultSet";
        }
    }

    private static EscapedResultException escapeOf(Object result) {
        EscapedResultException e = catchThrowableOfType(EscapedResultException.class, () -> ResultGuard.check(result));
        assertThat(e).as("expected an EscapedResultException").isNotNull();
        return e;
    }
}
