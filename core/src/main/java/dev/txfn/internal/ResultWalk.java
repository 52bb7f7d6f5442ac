package dev.txfn.internal;

import dev.txfn.EscapedResultException;
import dev.txfn.EscapedResultException.Reason;
import dev.txfn.internal.ResultPlan.Kind;
import java.lang.invoke.MethodHandle;
import java.lang.reflect.UndeclaredThrowableException;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One {@link ResultGuard#check} walk. It keeps its own stack of frames on the heap, one per container being
 * walked, so nesting depth is bounded by memory, never by the thread stack: no method here calls itself.
 *
 * <p>A record is opened in place: its components are read at once, and it gets a frame only if one of them
 * needs a look, so a list of records whose components turn out safe costs no frame per record. Every value
 * handed to the main loop comes with its plan in {@link #nextPlan}, never SAFE or OPTIONAL ({@code Optional}
 * is unwrapped where it is met, since it adds nothing to the path).
 *
 * <p>Not thread-safe: one walk, one thread.
 */
final class ResultWalk {
    private static final String ROOT = "result";

    private Frame[] frames = new Frame[8];
    private int depth;
    private ResultPlan nextPlan;
    private Object firstContainer;
    private Set<Object> seen;

    /** The first offending value in {@code root}, or null; {@code rootPlan} is not SAFE. */
    EscapedResultException run(Object root, ResultPlan rootPlan) {
        Object value = descend(root, rootPlan);
        while (true) {
            while (value != null) {
                ResultPlan plan = nextPlan;
                switch (plan.kind) {
                    case LAZY:
                        return escape(value, Reason.LAZY_OR_HANDLE_BOUND);
                    case UNCHECKABLE:
                        return escape(value, Reason.UNCHECKABLE_CONTAINER);
                    case RECORD:
                        value = openRecord(value, plan);
                        break;
                    case RANDOM_ACCESS_LIST:
                        if (!allSafe((List<?>) value) && firstVisit(value)) {
                            push().start(value, plan);
                        }
                        value = null;
                        break;
                    default:
                        if (firstVisit(value)) {
                            push().start(value, plan);
                        }
                        value = null;
                }
            }
            while (value == null) {
                if (depth == 0) {
                    return null;
                }
                value = frames[depth - 1].next(); // may push a frame for a record it opened
                if (value == null) {
                    depth--;
                }
            }
        }
    }

    /**
     * Whether no element of {@code list} needs a look. Most lists are of flat records: one tight loop settles
     * them with no frame and no identity-set entry; otherwise the frame rescans at most the safe prefix.
     */
    static boolean allSafe(List<?> list) {
        Class<?> lastType = null;
        ResultPlan lastPlan = ResultPlan.SAFE;
        for (int i = 0, n = list.size(); i < n; i++) {
            Object element = list.get(i);
            if (element == null) {
                continue;
            }
            Class<?> type = element.getClass();
            if (type != lastType) {
                lastType = type;
                lastPlan = ResultPlan.of(type);
                if (lastPlan.kind != Kind.SAFE) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * What to look at for {@code child}, or null if nothing in it needs a look: unwraps {@code Optional} and
     * opens a record in place. Sets {@link #nextPlan}.
     */
    private Object descend(Object child, ResultPlan plan) {
        Object value = child;
        ResultPlan valuePlan = plan;
        while (valuePlan.kind == Kind.OPTIONAL) {
            value = ((Optional<?>) value).orElse(null);
            if (value == null) {
                return null;
            }
            valuePlan = ResultPlan.of(value.getClass());
        }
        if (valuePlan.kind == Kind.SAFE) {
            return null;
        }
        if (valuePlan.kind == Kind.RECORD) {
            return openRecord(value, valuePlan);
        }
        nextPlan = valuePlan;
        return value;
    }

    private Object descend(Object child) {
        return child == null ? null : descend(child, ResultPlan.of(child.getClass()));
    }

    /**
     * Reads {@code record}'s components from the first; at the first that needs a look, pushes a frame for the
     * record positioned there and returns the component (a record among them is returned, not opened: the main
     * loop opens it). Null if none needs a look.
     */
    private Object openRecord(Object record, ResultPlan plan) {
        MethodHandle[] getters = plan.getters;
        for (int k = 0; k < getters.length; k++) {
            Object component = unwrapped(read(getters[k], record));
            if (component != null) {
                push().startRecord(record, plan, k);
                return component;
            }
        }
        return null;
    }

    /** {@code value} without its {@code Optional}s if it needs a look (its plan in {@link #nextPlan}), else null. */
    private Object unwrapped(Object value) {
        Object unwrapped = value;
        while (unwrapped != null) {
            ResultPlan plan = ResultPlan.of(unwrapped.getClass());
            if (plan.kind == Kind.SAFE) {
                return null;
            }
            if (plan.kind != Kind.OPTIONAL) {
                nextPlan = plan;
                return unwrapped;
            }
            unwrapped = ((Optional<?>) unwrapped).orElse(null);
        }
        return null;
    }

    private Frame push() {
        if (depth == frames.length) {
            frames = Arrays.copyOf(frames, depth * 2);
        }
        Frame frame = frames[depth];
        if (frame == null) {
            frame = new Frame();
            frames[depth] = frame;
        }
        depth++;
        return frame;
    }

    /**
     * Whether a container is met for the first time. The first one (usually the root, or the list in a root
     * record) needs no set; the set starts with the second, and holds the first as well.
     */
    private boolean firstVisit(Object container) {
        if (seen == null) {
            if (firstContainer == null) {
                firstContainer = container;
                return true;
            }
            seen = Collections.newSetFromMap(new IdentityHashMap<>());
            seen.add(firstContainer);
        }
        return seen.add(container);
    }

    private EscapedResultException escape(Object value, Reason reason) {
        StringBuilder path = new StringBuilder(ROOT);
        for (int i = 0; i < depth; i++) {
            frames[i].appendSegment(path);
        }
        return new EscapedResultException(path.toString(), value.getClass().getName(), reason);
    }

    private static Object read(MethodHandle getter, Object record) {
        try {
            return (Object) getter.invokeExact(record);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable checked) {
            throw new UndeclaredThrowableException(checked, "record accessor threw " + checked);
        }
    }

    /**
     * One container being walked: where it stands, so the walk can resume it and the path can name the child
     * it last handed out. Reused by whatever container is walked at the same depth later.
     */
    private final class Frame {
        private Kind kind;
        private Object container;
        private ResultPlan plan;
        /** The index (list, array, record component, collection position) of the child last handed out. */
        private int position;
        private int size;
        private Iterator<? extends Map.Entry<?, ?>> entries;
        private Iterator<?> elements;
        private Map.Entry<?, ?> entry;
        /** Map: whether the child last handed out is the current entry's key rather than its value. */
        private boolean atKey;
        /** Lists and arrays are usually of one class: skip even the ClassValue lookup when it repeats. */
        private Class<?> lastType;
        private ResultPlan lastPlan;

        void startRecord(Object record, ResultPlan recordPlan, int component) {
            kind = Kind.RECORD;
            container = record;
            plan = recordPlan;
            position = component;
            size = recordPlan.getters.length;
        }

        void start(Object walked, ResultPlan walkedPlan) {
            kind = walkedPlan.kind;
            container = walked;
            position = -1;
            lastType = null;
            lastPlan = ResultPlan.SAFE;
            switch (kind) {
                case RANDOM_ACCESS_LIST:
                    size = ((List<?>) walked).size();
                    break;
                case ARRAY:
                    size = ((Object[]) walked).length;
                    break;
                case COLLECTION:
                    elements = ((Collection<?>) walked).iterator();
                    break;
                case MAP:
                    entries = ((Map<?, ?>) walked).entrySet().iterator();
                    entry = null;
                    atKey = false;
                    break;
                case ENTRY:
                    entry = (Map.Entry<?, ?>) walked;
                    break;
                default:
                    throw new AssertionError(kind);
            }
        }

        /** The next value to look at under this container (its plan in {@link #nextPlan}), or null when done. */
        Object next() {
            switch (kind) {
                case RANDOM_ACCESS_LIST:
                    return nextInList((List<?>) container);
                case ARRAY:
                    return nextInArray((Object[]) container);
                case RECORD:
                    while (++position < size) {
                        Object child = descend(read(plan.getters[position], container));
                        if (child != null) {
                            return child;
                        }
                    }
                    return null;
                case COLLECTION:
                    while (elements.hasNext()) {
                        Object element = elements.next();
                        position++;
                        Object child = descend(element);
                        if (child != null) {
                            return child;
                        }
                    }
                    return null;
                case MAP:
                    return nextInMap();
                case ENTRY:
                    while (++position < 2) {
                        Object child = descend(position == 0 ? entry.getKey() : entry.getValue());
                        if (child != null) {
                            return child;
                        }
                    }
                    return null;
                default:
                    throw new AssertionError(kind);
            }
        }

        /** The hot loop of the common case, a list of records: locals, and a one-class cache. */
        private Object nextInList(List<?> list) {
            Class<?> cachedType = lastType;
            ResultPlan cachedPlan = lastPlan;
            for (int i = position + 1, n = size; i < n; i++) {
                Object element = list.get(i);
                if (element == null) {
                    continue;
                }
                Class<?> type = element.getClass();
                if (type != cachedType) {
                    cachedType = type;
                    cachedPlan = ResultPlan.of(type);
                }
                if (cachedPlan.kind != Kind.SAFE) {
                    position = i; // before descend, which may push a frame under this one
                    Object child = descend(element, cachedPlan);
                    if (child != null) {
                        lastType = cachedType;
                        lastPlan = cachedPlan;
                        return child;
                    }
                }
            }
            position = size;
            return null;
        }

        private Object nextInArray(Object[] array) {
            Class<?> cachedType = lastType;
            ResultPlan cachedPlan = lastPlan;
            for (int i = position + 1, n = array.length; i < n; i++) {
                Object element = array[i];
                if (element == null) {
                    continue;
                }
                Class<?> type = element.getClass();
                if (type != cachedType) {
                    cachedType = type;
                    cachedPlan = ResultPlan.of(type);
                }
                if (cachedPlan.kind != Kind.SAFE) {
                    position = i;
                    Object child = descend(element, cachedPlan);
                    if (child != null) {
                        lastType = cachedType;
                        lastPlan = cachedPlan;
                        return child;
                    }
                }
            }
            position = size;
            return null;
        }

        private Object nextInMap() {
            while (true) {
                if (atKey) {
                    atKey = false;
                    Object value = descend(entry.getValue());
                    if (value != null) {
                        return value;
                    }
                }
                if (!entries.hasNext()) {
                    return null;
                }
                entry = entries.next();
                atKey = true;
                Object key = descend(entry.getKey());
                if (key != null) {
                    return key;
                }
            }
        }

        void appendSegment(StringBuilder path) {
            switch (kind) {
                case RECORD:
                    path.append('.').append(plan.names[position]);
                    break;
                case MAP:
                    path.append('[').append(ResultGuard.keyLabel(entry.getKey())).append(']');
                    if (atKey) {
                        path.append(".<key>");
                    }
                    break;
                case ENTRY:
                    path.append(position == 0 ? ".key" : ".value");
                    break;
                default:
                    path.append('[').append(position).append(']');
            }
        }
    }
}
