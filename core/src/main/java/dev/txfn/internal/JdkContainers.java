package dev.txfn.internal;

import java.util.Set;

/**
 * Which collections, maps and map entries the result guard looks into: the JDK's own implementations that hold
 * their elements themselves, and the views those hand out over themselves ({@code ArrayList.subList},
 * {@code HashMap.keySet}, {@code TreeMap.headMap}...). Walking one of these runs only JDK code.
 *
 * <p>Everything else is refused unopened, because even {@code size()} or {@code iterator()} would run code
 * txfn cannot vouch for: a class from outside the JDK (a Guava view, a user's {@code AbstractList}, an
 * anonymous {@code HashMap} subclass), and the JDK classes that present a collection they were handed, since
 * what they wrap cannot be seen without running it: {@code Collections.unmodifiable*}, {@code synchronized*},
 * {@code checked*}, {@code newSetFromMap}, {@code asLifoQueue}, {@code AbstractList.subList} (of any list but
 * the ones named here), {@code AbstractMap}'s {@code keySet()} and {@code values()}, and the
 * {@code reversed()} views of later JDKs. This list is closed on purpose: a JDK class it does not name is
 * refused, never trusted by default.
 */
final class JdkContainers {
    /** Top-level classes whose instances, and whose nested classes' instances, are walked. */
    private static final Set<String> OWNERS = Set.of(
            "java.util.ArrayList", "java.util.LinkedList", "java.util.ArrayDeque", "java.util.Vector",
            "java.util.Stack", "java.util.PriorityQueue", "java.util.HashMap", "java.util.LinkedHashMap",
            "java.util.HashSet", "java.util.LinkedHashSet", "java.util.TreeMap", "java.util.TreeSet",
            "java.util.EnumMap", "java.util.RegularEnumSet", "java.util.JumboEnumSet", "java.util.IdentityHashMap",
            "java.util.WeakHashMap", "java.util.Hashtable", "java.util.Properties",
            // List.of, Set.of, Map.of and their copyOf; Stream.toList; Collectors.toUnmodifiable*
            "java.util.ImmutableCollections",
            "java.util.Arrays", // Arrays.asList
            "java.util.KeyValueHolder", // Map.entry
            "java.util.stream.Collectors", // partitioningBy's map
            "java.util.concurrent.ArrayBlockingQueue", "java.util.concurrent.ConcurrentHashMap",
            "java.util.concurrent.ConcurrentLinkedDeque", "java.util.concurrent.ConcurrentLinkedQueue",
            "java.util.concurrent.ConcurrentSkipListMap", "java.util.concurrent.ConcurrentSkipListSet",
            "java.util.concurrent.CopyOnWriteArrayList", "java.util.concurrent.CopyOnWriteArraySet",
            "java.util.concurrent.DelayQueue", "java.util.concurrent.LinkedBlockingDeque",
            "java.util.concurrent.LinkedBlockingQueue", "java.util.concurrent.LinkedTransferQueue",
            "java.util.concurrent.PriorityBlockingQueue", "java.util.concurrent.SynchronousQueue");

    /** Single classes walked whose top-level class also holds wrappers that are not. */
    private static final Set<String> CLASSES = Set.of(
            "java.util.Collections$EmptyList", "java.util.Collections$EmptySet", "java.util.Collections$EmptyMap",
            "java.util.Collections$UnmodifiableNavigableSet$EmptyNavigableSet",
            "java.util.Collections$UnmodifiableNavigableMap$EmptyNavigableMap",
            "java.util.Collections$SingletonList", "java.util.Collections$SingletonSet",
            "java.util.Collections$SingletonMap", "java.util.Collections$CopiesList",
            "java.util.AbstractMap$SimpleEntry", "java.util.AbstractMap$SimpleImmutableEntry");

    private JdkContainers() {
    }

    /** Whether the guard may iterate instances of {@code type}, a Collection, Map or Map.Entry class. */
    static boolean walkable(Class<?> type) {
        if (type.getClassLoader() != null) {
            return false; // the bootstrap loader defines java.util; nothing else can
        }
        String name = type.getName();
        int nested = name.indexOf('$');
        return OWNERS.contains(nested < 0 ? name : name.substring(0, nested)) || CLASSES.contains(name);
    }
}
