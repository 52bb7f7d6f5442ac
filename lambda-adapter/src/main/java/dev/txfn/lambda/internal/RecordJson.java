package dev.txfn.lambda.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Collection;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;

/**
 * Encodes the usual response bodies straight through Jackson's streaming generator, to exactly the text the
 * adapter's {@code ObjectMapper} ({@link Json}) writes for them: records whose components are text, numbers,
 * booleans, {@code UUID}, {@code Instant}, {@code LocalDate}, {@code LocalDateTime}, {@code OffsetDateTime},
 * enums, {@code Optional}, the JDK's collections and string-keyed maps, and records of the same. Anything else,
 * and any record or enum that Jackson would read more off (a Jackson or {@code java.beans} annotation anywhere on
 * it or its supertypes, a Jackson supertype, a getter beyond its components), or that cannot be read, is left to
 * the {@code ObjectMapper} ({@link #encode} answers {@code null}); the mapper then reads the value afresh, so a
 * value left midway has its accessors called twice. {@code RecordJsonTest} compares the two on every supported
 * shape and on each way Jackson can be steered.
 *
 * <p>Why: on a cold start Jackson's databind costs some 400 classes loaded and the JIT work of its introspection
 * before a handler that only encodes a record can answer; this loads the generator alone. Thread-safe.
 */
final class RecordJson {
    /** Nesting beyond this is left to the mapper, which reports a cycle its own way. */
    private static final int MAX_DEPTH = 64;
    /** The generator settings of a default {@code JsonMapper}, which the adapter's mapper does not change. */
    private static final JsonFactory FACTORY = new JsonFactory();
    private static final Accessor[] UNSUPPORTED = new Accessor[0];

    /** A record's components in declaration order, or {@link #UNSUPPORTED}. */
    private static final ClassValue<Accessor[]> RECORDS = new ClassValue<>() {
        @Override
        protected Accessor[] computeValue(Class<?> type) {
            return recordPlan(type);
        }
    };

    /**
     * Whether an enum constant's class (the enum, or a constant's own body) is written by the constant's
     * {@code name()}, as Jackson does when nothing says otherwise.
     */
    private static final ClassValue<Boolean> PLAIN_ENUMS = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
            return !steered(type);
        }
    };

    private record Accessor(String name, Method method) {
    }

    /** Raised to abandon a value midway; the partial text is discarded. Carries no stack trace. */
    private static final class Unsupported extends Exception {
        private static final long serialVersionUID = 1L;
        static final Unsupported INSTANCE = new Unsupported();

        private Unsupported() {
            super(null, null, false, false);
        }
    }

    private RecordJson() {
    }

    /**
     * The JSON of {@code value}, or {@code null} when the {@code ObjectMapper} must encode it.
     *
     * @param value a response body
     * @return the text, or {@code null}
     */
    static String encode(Object value) {
        StringWriter out = new StringWriter(128);
        try (JsonGenerator generator = FACTORY.createGenerator(out)) {
            write(value, generator, 0);
        } catch (Unsupported | IOException | RuntimeException e) {
            return null; // the mapper encodes it, or reports what is wrong with it
        }
        return out.toString();
    }

    private static void write(Object value, JsonGenerator out, int depth) throws IOException, Unsupported {
        if (depth > MAX_DEPTH) {
            throw Unsupported.INSTANCE;
        }
        if (value == null) {
            out.writeNull();
        } else if (value instanceof String text) {
            out.writeString(text);
        } else if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            out.writeNumber(((Number) value).intValue());
        } else if (value instanceof Long number) {
            out.writeNumber(number.longValue());
        } else if (value instanceof Boolean flag) {
            out.writeBoolean(flag);
        } else if (value instanceof Double number) {
            out.writeNumber(number.doubleValue());
        } else if (value instanceof Float number) {
            out.writeNumber(number.floatValue());
        } else if (value instanceof BigDecimal number) {
            out.writeNumber(number);
        } else if (value instanceof BigInteger number) {
            out.writeNumber(number);
        } else if (!writeValueType(value, out)) {
            writeStructure(value, out, depth);
        }
    }

    /** The scalar types beyond text, numbers and booleans; false if {@code value} is none of them. */
    private static boolean writeValueType(Object value, JsonGenerator out) throws IOException, Unsupported {
        if (value instanceof UUID id) {
            out.writeString(id.toString());
        } else if (value instanceof Instant instant) {
            out.writeString(DateTimeFormatter.ISO_INSTANT.format(instant));
        } else if (value instanceof LocalDate date) {
            out.writeString(DateTimeFormatter.ISO_LOCAL_DATE.format(date));
        } else if (value instanceof LocalDateTime dateTime) {
            out.writeString(DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(dateTime));
        } else if (value instanceof OffsetDateTime dateTime) {
            out.writeString(DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(dateTime));
        } else if (value instanceof Enum<?> constant) {
            if (!PLAIN_ENUMS.get(constant.getClass())) {
                throw Unsupported.INSTANCE;
            }
            out.writeString(constant.name());
        } else {
            return false;
        }
        return true;
    }

    private static void writeStructure(Object value, JsonGenerator out, int depth) throws IOException, Unsupported {
        if (value instanceof Record) {
            Accessor[] components = RECORDS.get(value.getClass());
            if (components == UNSUPPORTED) {
                throw Unsupported.INSTANCE;
            }
            out.writeStartObject();
            for (Accessor component : components) {
                out.writeFieldName(component.name());
                write(read(component.method(), value), out, depth + 1);
            }
            out.writeEndObject();
        } else if (value instanceof Optional<?> optional) {
            write(optional.orElse(null), out, depth + 1);
        } else if (value instanceof Collection<?> collection && jdk(value.getClass())) {
            out.writeStartArray();
            for (Object element : collection) {
                write(element, out, depth + 1);
            }
            out.writeEndArray();
        } else if (value instanceof Map<?, ?> map && jdk(value.getClass()) && !(value instanceof Properties)) {
            // Properties: Jackson types it Map<String, String> and fails on any other value.
            out.writeStartObject();
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                if (!(entry.getKey() instanceof String key)) {
                    throw Unsupported.INSTANCE; // Jackson's key serializers decide those
                }
                out.writeFieldName(key);
                write(entry.getValue(), out, depth + 1);
            }
            out.writeEndObject();
        } else {
            throw Unsupported.INSTANCE;
        }
    }

    private static Object read(Method accessor, Object record) throws Unsupported {
        try {
            return accessor.invoke(record);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw Unsupported.INSTANCE; // the mapper calls it again and reports the failure its way
        }
    }

    /**
     * The components of a record Jackson would write as exactly its components, by name in declaration order:
     * nothing of it steers Jackson ({@link #steered}), no component's declared type carries a Jackson annotation,
     * no other public getter and no component named like a getter, at least one component, accessible accessors,
     * not also a collection or map.
     */
    private static Accessor[] recordPlan(Class<?> type) {
        RecordComponent[] components = type.getRecordComponents();
        if (components == null || components.length == 0 || Iterable.class.isAssignableFrom(type)
                || Map.class.isAssignableFrom(type) || steered(type)) {
            return UNSUPPORTED;
        }
        Set<String> accessors = new HashSet<>();
        Accessor[] plan = new Accessor[components.length];
        for (int i = 0; i < components.length; i++) {
            RecordComponent component = components[i];
            Method accessor = component.getAccessor();
            // The declared type counts, not just the value's: @JsonIgnoreType drops even a null component.
            if (getterLike(component.getName()) || typeAnnotated(component.getType())
                    || !accessor.trySetAccessible()) {
                return UNSUPPORTED;
            }
            accessors.add(accessor.getName());
            plan[i] = new Accessor(component.getName(), accessor);
        }
        for (Method method : type.getMethods()) {
            if (!Modifier.isStatic(method.getModifiers()) && method.getParameterCount() == 0
                    && !accessors.contains(method.getName()) && method.getDeclaringClass() != Object.class
                    && getterLike(method.getName())) {
                return UNSUPPORTED; // Jackson would write it as a property too
            }
        }
        return plan;
    }

    /**
     * Whether Jackson would read more off {@code type} than its plain shape: a Jackson supertype (such as
     * {@code JsonSerializable}), or a Jackson or {@code java.beans} annotation on it, on any of its supertypes
     * (interfaces included: Jackson merges theirs in), or on any of their fields, methods, constructors or
     * parameters, whatever their visibility, static ones included (a {@code @JsonCreator} factory reorders the
     * properties, a non-public {@code @JsonValue} method replaces them). The JDK's own types are not looked into,
     * as Jackson does not.
     */
    private static boolean steered(Class<?> type) {
        for (Class<?> each : hierarchy(type)) {
            if (each.getName().startsWith("com.fasterxml.jackson.")) {
                return true;
            }
            if (jdk(each)) {
                continue;
            }
            if (annotated(each)) {
                return true;
            }
            for (Field field : each.getDeclaredFields()) {
                if (annotated(field)) {
                    return true;
                }
            }
            for (Method method : each.getDeclaredMethods()) {
                if (annotated(method) || parametersAnnotated(method)) {
                    return true;
                }
            }
            for (Constructor<?> constructor : each.getDeclaredConstructors()) {
                if (annotated(constructor) || parametersAnnotated(constructor)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Whether {@code type} or a supertype carries a Jackson annotation on the type itself. */
    private static boolean typeAnnotated(Class<?> type) {
        for (Class<?> each : hierarchy(type)) {
            if (!jdk(each) && annotated(each)) {
                return true;
            }
        }
        return false;
    }

    /** {@code type}, its superclasses and all their interfaces, transitively. */
    private static Set<Class<?>> hierarchy(Class<?> type) {
        Set<Class<?>> all = new LinkedHashSet<>();
        Deque<Class<?>> pending = new ArrayDeque<>();
        pending.add(type);
        while (!pending.isEmpty()) {
            Class<?> each = pending.poll();
            if (!all.add(each)) {
                continue;
            }
            if (each.getSuperclass() != null) {
                pending.add(each.getSuperclass());
            }
            pending.addAll(Arrays.asList(each.getInterfaces()));
        }
        return all;
    }

    /** A JDK class: Jackson reads no annotations of those and writes their collections and maps plainly. */
    private static boolean jdk(Class<?> type) {
        return type.isPrimitive() || type.getName().startsWith("java.");
    }

    /**
     * {@code getX}, {@code isX}, {@code get_x}, {@code getx}: a name Jackson reads as a getter of another
     * property (for records it accepts any character after the prefix).
     */
    private static boolean getterLike(String name) {
        return name.length() > 3 && name.startsWith("get") || name.length() > 2 && name.startsWith("is");
    }

    private static boolean parametersAnnotated(Executable executable) {
        for (Annotation[] annotations : executable.getParameterAnnotations()) {
            for (Annotation annotation : annotations) {
                if (steersJackson(annotation)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean annotated(AnnotatedElement element) {
        for (Annotation annotation : element.getAnnotations()) {
            if (steersJackson(annotation)) {
                return true;
            }
        }
        return false;
    }

    /** Jackson's own annotations, its bundles, and the {@code java.beans} ones Jackson honours. */
    private static boolean steersJackson(Annotation annotation) {
        Class<? extends Annotation> type = annotation.annotationType();
        String name = type.getName();
        if (name.startsWith("com.fasterxml.jackson.") || name.startsWith("java.beans.")) {
            return true;
        }
        // A user's annotation meta-annotated with @JacksonAnnotationsInside bundles Jackson annotations.
        for (Annotation meta : type.getAnnotations()) {
            if (meta.annotationType().getName().startsWith("com.fasterxml.jackson.")) {
                return true;
            }
        }
        return false;
    }
}
