package dev.txfn.lambda.internal;

import dev.txfn.Tx;
import dev.txfn.lambda.HttpRequest;
import dev.txfn.lambda.HttpResponse;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Matches a method and path against route templates such as {@code /things/{id}/parts}. A literal segment beats
 * a parameter at the same position, so {@code /things/new} wins over {@code /things/{id}}; a trailing slash and
 * repeated slashes are ignored. Matching is on decoded segments ({@link RequestPath}), so a parameter's value is
 * decoded exactly once and may hold an encoded slash. Conflicting templates (same method, same shape) are refused
 * when the table is built. Immutable and thread-safe.
 */
public final class RouteTable {
    private static final Pattern PARAM = Pattern.compile("\\{([A-Za-z_][A-Za-z0-9_]*)}");

    /** What a route does once matched; {@link #bodyType()} is {@code null} for routes without a JSON body. */
    public interface Endpoint {
        /** The JSON body type, or {@code null}. */
        Class<?> bodyType();

        /** Runs the route with the decoded body ({@code null} without one). */
        HttpResponse call(HttpRequest request, Object body, Tx tx) throws Exception;
    }

    /** One registered route. */
    public record Route(String method, String template, Endpoint endpoint) {
        /** Checks the components. */
        public Route {
            Objects.requireNonNull(method, "method");
            Objects.requireNonNull(template, "template");
            Objects.requireNonNull(endpoint, "endpoint");
        }
    }

    /** The outcome of a lookup. */
    public sealed interface Lookup permits Found, NotFound, MethodNotAllowed {
    }

    /** A route matched; {@code params} are the decoded path parameters in template order. */
    public record Found(Route route, Map<String, String> params) implements Lookup {
    }

    /** No template matches the path. */
    public record NotFound() implements Lookup {
    }

    /** Templates match the path, but none for this method; {@code allowed} is sorted. */
    public record MethodNotAllowed(Set<String> allowed) implements Lookup {
    }

    private record Compiled(Route route, List<String> segments) {
        boolean isParam(int i) {
            return segments.get(i).startsWith("{");
        }
    }

    private final List<Compiled> routes;

    private RouteTable(List<Compiled> routes) {
        this.routes = routes;
    }

    /**
     * Compiles and cross-checks the routes.
     *
     * @param routes the routes, in registration order
     * @return the table
     * @throws IllegalArgumentException if a template is malformed or two routes conflict
     */
    public static RouteTable of(List<Route> routes) {
        List<Compiled> compiled = new ArrayList<>();
        Map<String, String> shapes = new HashMap<>();
        for (Route route : routes) {
            List<String> segments = compile(route.template());
            String shape = route.method() + " /" + String.join("/",
                    segments.stream().map(s -> s.startsWith("{") ? "{}" : s).toList());
            String previous = shapes.putIfAbsent(shape, route.template());
            if (previous != null) {
                throw new IllegalArgumentException("route " + route.method() + " " + route.template()
                        + " conflicts with " + route.method() + " " + previous);
            }
            compiled.add(new Compiled(route, segments));
        }
        // Most specific first: at the first position where two templates differ in kind, the literal wins.
        Comparator<Compiled> specificity = (a, b) -> {
            int n = Math.min(a.segments().size(), b.segments().size());
            for (int i = 0; i < n; i++) {
                if (a.isParam(i) != b.isParam(i)) {
                    return a.isParam(i) ? 1 : -1;
                }
            }
            return 0;
        };
        compiled.sort(specificity);
        return new RouteTable(List.copyOf(compiled));
    }

    /**
     * The types the routes decode their bodies to, each once.
     *
     * @return in registration order of first use; empty when no route has a body
     */
    public Set<Class<?>> bodyTypes() {
        Set<Class<?>> types = new LinkedHashSet<>();
        for (Compiled compiled : routes) {
            Class<?> type = compiled.route().endpoint().bodyType();
            if (type != null) {
                types.add(type);
            }
        }
        return types;
    }

    /**
     * Finds the route for a request.
     *
     * @param method the upper-case method
     * @param segments the decoded, non-empty path segments ({@link RequestPath#segments()}); a literal template
     *     segment matches the decoded value, a parameter takes it as it is
     * @return found, not found, or method not allowed with the methods that are
     */
    public Lookup find(String method, List<String> segments) {
        Set<String> allowed = new TreeSet<>();
        for (Compiled candidate : routes) {
            Map<String, String> params = match(candidate, segments);
            if (params == null) {
                continue;
            }
            if (candidate.route().method().equals(method)) {
                return new Found(candidate.route(), params);
            }
            allowed.add(candidate.route().method());
        }
        return allowed.isEmpty() ? new NotFound() : new MethodNotAllowed(Set.copyOf(allowed));
    }

    private static Map<String, String> match(Compiled candidate, List<String> segments) {
        if (candidate.segments().size() != segments.size()) {
            return null;
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < segments.size(); i++) {
            String expected = candidate.segments().get(i);
            String actual = segments.get(i);
            if (candidate.isParam(i)) {
                params.put(expected.substring(1, expected.length() - 1), actual);
            } else if (!expected.equals(actual)) {
                return null;
            }
        }
        return params;
    }

    private static List<String> compile(String template) {
        if (!template.startsWith("/")) {
            throw new IllegalArgumentException("route template must start with '/': " + template);
        }
        List<String> segments = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (String segment : template.split("/")) {
            if (segment.isEmpty()) {
                continue;
            }
            if (segment.indexOf('{') >= 0 || segment.indexOf('}') >= 0) {
                var m = PARAM.matcher(segment);
                if (!m.matches()) {
                    throw new IllegalArgumentException("route template " + template + ": a parameter must be a"
                            + " whole segment named like a Java identifier, e.g. /things/{id}, not '" + segment + "'");
                }
                if (!names.add(m.group(1))) {
                    throw new IllegalArgumentException("route template " + template + " repeats {" + m.group(1) + "}");
                }
            }
            segments.add(segment);
        }
        return List.copyOf(segments);
    }
}
