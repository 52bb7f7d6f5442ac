package dev.txfn.internal;

import dev.txfn.InvalidConfigurationException;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The parts of a PostgreSQL connection URL: a libpq URI ({@code postgres://} or {@code postgresql://}) or a
 * pgjdbc URL ({@code jdbc:postgresql:}). Every part is {@code null} when the URL does not give it.
 *
 * <p>Parse errors name the setting the URL came from and never quote any part of the URL: a password with
 * an unencoded reserved character shifts every part after it, so any fragment may be a piece of it.
 *
 * <p>Several hosts are accepted as pgjdbc and libpq accept them ({@code postgres://h1:5432,h2:5433/db},
 * {@code jdbc:postgresql://h1,h2/db}, {@code ?host=h1,h2&port=5432,5433}); libpq's {@code target_session_attrs}
 * and {@code load_balance_hosts} become pgjdbc's {@code targetServerType} and {@code loadBalanceHosts}.
 *
 * @param hosts the host names or IP addresses, without IPv6 brackets, in the order given; empty if none
 * @param ports the ports: empty if none, one for every host, or one per host ({@code null} where a host has
 *     none)
 * @param database the database name
 * @param user the user name
 * @param password the password; never part of {@link #toString()}
 * @param sslMode one of {@link #SSL_MODES}
 * @param applicationName {@code application_name} (URI) or {@code ApplicationName} (jdbc)
 * @param properties every other query parameter, as pgjdbc properties (libpq names mapped to pgjdbc's)
 */
public record PostgresUrl(
        List<String> hosts,
        List<Integer> ports,
        String database,
        String user,
        String password,
        String sslMode,
        String applicationName,
        Map<String, String> properties) {

    /** The {@code sslmode} values pgjdbc and libpq both accept. */
    public static final List<String> SSL_MODES =
            List.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full");

    /** libpq's {@code target_session_attrs} values and the pgjdbc {@code targetServerType} each becomes. */
    public static final Map<String, String> TARGET_SESSION_ATTRS = targetSessionAttrs();

    /** The {@code targetServerType} values pgjdbc accepts. */
    public static final List<String> TARGET_SERVER_TYPES = List.of(
            "any", "primary", "secondary", "preferSecondary", "preferPrimary", "master", "slave", "preferSlave");

    /** A URL that gives nothing. */
    public static final PostgresUrl EMPTY =
            new PostgresUrl(List.of(), List.of(), null, null, null, null, null, Map.of());

    private static final String JDBC_PREFIX = "jdbc:postgresql:";

    /** Copies the lists and {@code properties}. */
    public PostgresUrl {
        hosts = List.copyOf(hosts);
        ports = Collections.unmodifiableList(new ArrayList<>(ports));
        properties = Collections.unmodifiableMap(new LinkedHashMap<>(properties));
    }

    /**
     * libpq's {@code target_session_attrs} as pgjdbc's {@code targetServerType}. pgjdbc tells a primary by
     * {@code transaction_read_only = off} (and {@code in_hot_standby = off}): exactly libpq's {@code read-write};
     * libpq's {@code primary}, {@code standby} and {@code prefer-standby} look at recovery only, so a primary with
     * {@code default_transaction_read_only = on} counts as a standby for pgjdbc.
     *
     * @param value a libpq value, e.g. {@code read-write}
     * @return the pgjdbc value, e.g. {@code primary}, or {@code null} if {@code value} is not a libpq value
     */
    public static String targetServerType(String value) {
        return TARGET_SESSION_ATTRS.get(value);
    }

    /**
     * Whether {@code text} holds a whitespace character. A loop, not a stream: this runs on every cold start.
     *
     * @param text any text
     * @return whether it has whitespace
     */
    public static boolean hasWhitespace(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (Character.isWhitespace(text.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    private static Map<String, String> targetSessionAttrs() {
        Map<String, String> map = new LinkedHashMap<>();
        map.put("any", "any");
        map.put("read-write", "primary");
        map.put("read-only", "secondary");
        map.put("primary", "primary");
        map.put("standby", "secondary");
        map.put("prefer-standby", "preferSecondary");
        return Collections.unmodifiableMap(map);
    }

    /**
     * Parses a URL.
     *
     * @param url the URL
     * @param setting the name of the setting the URL came from, used in error messages
     * @return its parts
     * @throws InvalidConfigurationException if the URL is blank, has another scheme or is malformed
     */
    public static PostgresUrl parse(String url, String setting) {
        if (url == null || url.isBlank()) {
            throw new InvalidConfigurationException(setting, "is empty");
        }
        String text = url.strip();
        String lower = text.toLowerCase(Locale.ROOT);
        if (lower.startsWith(JDBC_PREFIX)) {
            return new Parser(setting, true).parse(text.substring(JDBC_PREFIX.length()));
        }
        for (String scheme : List.of("postgresql://", "postgres://")) {
            if (lower.startsWith(scheme)) {
                return new Parser(setting, false).parse(text.substring(scheme.length() - 2));
            }
        }
        throw new InvalidConfigurationException(
                setting, "unsupported scheme; expected postgres://, postgresql:// or jdbc:postgresql:");
    }

    /** Everything but the password. */
    @Override
    public String toString() {
        return "PostgresUrl[hosts=" + hosts + ", ports=" + ports + ", database=" + database + ", user=" + user
                + ", password=" + (password == null ? "none" : "****") + ", sslMode=" + sslMode
                + ", applicationName=" + applicationName + ", properties=" + properties.keySet() + "]";
    }

    /** One parse; {@code jdbc} selects pgjdbc's syntax and decoding over libpq's. */
    private static final class Parser {
        private final String setting;
        private final boolean jdbc;
        private List<String> hosts = List.of();
        private List<Integer> ports = List.of();
        private String database;
        private String user;
        private String password;
        private String sslMode;
        private String applicationName;
        private final Map<String, String> properties = new LinkedHashMap<>();

        Parser(String setting, boolean jdbc) {
            this.setting = setting;
            this.jdbc = jdbc;
        }

        /** {@code rest} is what follows the scheme's colon: {@code //authority/path?query} or {@code path?query}. */
        PostgresUrl parse(String rest) {
            String authority = null;
            String remainder = rest;
            if (remainder.startsWith("//")) {
                remainder = remainder.substring(2);
                int end = indexOfAny(remainder, "/?");
                authority = remainder.substring(0, end);
                remainder = remainder.substring(end);
            }
            // Checked first: an unencoded '/' or '?' in a password ends the authority early, and what is left
            // of the password would otherwise be read as host, port and database name.
            if (!jdbc && remainder.indexOf('@') >= 0) {
                throw invalid("has an '@' after the host; percent-encode reserved characters"
                        + " (@ : / ? # %) in the user name and password");
            }
            if (authority != null) {
                authority(authority);
            }
            int queryStart = remainder.indexOf('?');
            String path = queryStart < 0 ? remainder : remainder.substring(0, queryStart);
            database = emptyToNull(decode(path.startsWith("/") ? path.substring(1) : path, "database name"));
            if (queryStart >= 0) {
                query(remainder.substring(queryStart + 1));
            }
            if (ports.size() > 1 && ports.size() != hosts.size()) {
                throw invalid("gives " + ports.size() + " ports for " + hosts.size() + " hosts;"
                        + " give one port, or one per host");
            }
            return new PostgresUrl(hosts, ports, database, user, password, sslMode, applicationName, properties);
        }

        private void authority(String authority) {
            String hostAndPort = authority;
            int at = authority.lastIndexOf('@');
            if (at >= 0) {
                if (jdbc) {
                    throw invalid("jdbc:postgresql: URLs take credentials as user= and password= parameters,"
                            + " not before the host");
                }
                String userInfo = authority.substring(0, at);
                int colon = userInfo.indexOf(':');
                user = emptyToNull(decode(colon < 0 ? userInfo : userInfo.substring(0, colon), "user name"));
                password = colon < 0 ? null : decode(userInfo.substring(colon + 1), "password");
                hostAndPort = authority.substring(at + 1);
            }
            hostAndPort(hostAndPort);
        }

        /** {@code host[:port][,host[:port]]...}; an empty authority gives no host. */
        private void hostAndPort(String text) {
            if (text.isEmpty()) {
                return;
            }
            String[] entries = text.split(",", -1);
            List<String> hostList = new ArrayList<>();
            List<Integer> portList = new ArrayList<>();
            for (String entry : entries) {
                hostEntry(entry, hostList, portList);
            }
            if (hostList.contains(null)) {
                if (entries.length > 1) {
                    throw invalid("has an empty entry in its host list");
                }
                hostList.clear(); // "postgres://:5433/db": no host, a port
            }
            hosts = hostList;
            ports = allNull(portList) ? List.of() : portList;
        }

        private void hostEntry(String text, List<String> hostList, List<Integer> portList) {
            String host;
            String portText;
            if (text.startsWith("[")) {
                int close = text.indexOf(']');
                if (close < 0) {
                    throw invalid("has an unclosed '[' in the host");
                }
                host = text.substring(1, close);
                String after = text.substring(close + 1);
                if (!after.isEmpty() && !after.startsWith(":")) {
                    throw invalid("has unexpected characters after the IPv6 address");
                }
                portText = after.isEmpty() ? null : after.substring(1);
            } else {
                int colon = text.indexOf(':');
                host = colon < 0 ? text : text.substring(0, colon);
                portText = colon < 0 ? null : text.substring(colon + 1);
            }
            hostList.add(host(decode(host, "host")));
            portList.add(portText == null || portText.isEmpty() ? null : port(portText));
        }

        private void query(String query) {
            for (String pair : query.split("&", -1)) {
                if (pair.isEmpty()) {
                    continue;
                }
                int equals = pair.indexOf('=');
                if (equals <= 0) {
                    throw invalid("has a malformed query parameter; expected name=value");
                }
                String name = decode(pair.substring(0, equals), "parameter name");
                parameter(name, decode(pair.substring(equals + 1), "parameter value"));
            }
        }

        private void parameter(String name, String value) {
            if (!jdbc && libpqParameter(name, value)) {
                return;
            }
            if (name.equals("target_session_attrs")) {
                String type = targetServerType(value);
                if (type == null) {
                    throw invalid("target_session_attrs must be one of "
                            + String.join(", ", TARGET_SESSION_ATTRS.keySet()));
                }
                properties.put("targetServerType", type);
                return;
            }
            switch (name) {
                case "user" -> user = emptyToNull(value);
                case "password" -> password = value;
                case "sslmode" -> sslMode = sslMode(value);
                case "targetServerType" -> {
                    if (!TARGET_SERVER_TYPES.contains(value)) {
                        throw invalid("targetServerType must be one of " + String.join(", ", TARGET_SERVER_TYPES));
                    }
                    properties.put(name, value);
                }
                case "ApplicationName", "application_name" -> applicationName = emptyToNull(value);
                default -> properties.put(name, value);
            }
        }

        /** The libpq URI parameters whose pgjdbc counterpart has another name or is not a property. */
        private boolean libpqParameter(String name, String value) {
            switch (name) {
                case "host" -> hosts = hostList(value);
                case "port" -> ports = portList(value);
                case "load_balance_hosts" -> properties.put("loadBalanceHosts", loadBalanceHosts(value));
                case "dbname" -> database = emptyToNull(value);
                case "connect_timeout" -> properties.put("connectTimeout", value);
                default -> {
                    return false;
                }
            }
            return true;
        }

        /** libpq's {@code host=h1,h2}: the entries of a comma-separated list. */
        private List<String> hostList(String value) {
            if (value.isEmpty()) {
                return List.of();
            }
            List<String> list = new ArrayList<>();
            for (String entry : value.split(",", -1)) {
                String host = host(entry);
                if (host == null) {
                    throw invalid("has an empty entry in its host list");
                }
                list.add(host);
            }
            return list;
        }

        /** libpq's {@code port=5432,5433}: one per host or one for all; an empty entry means the default. */
        private List<Integer> portList(String value) {
            if (value.isEmpty()) {
                return List.of();
            }
            List<Integer> list = new ArrayList<>();
            for (String entry : value.split(",", -1)) {
                list.add(entry.isEmpty() ? null : port(entry));
            }
            return list;
        }

        private String loadBalanceHosts(String value) {
            return switch (value) {
                case "disable" -> "false";
                case "random" -> "true";
                default -> throw invalid("load_balance_hosts must be disable or random");
            };
        }

        private String host(String value) {
            if (value == null || value.isEmpty()) {
                return null;
            }
            if (value.startsWith("/")) {
                throw invalid("names a Unix-domain socket directory as host; give a TCP host name");
            }
            if (hasWhitespace(value)) {
                throw invalid("has whitespace in the host");
            }
            return value;
        }

        private int port(String text) {
            if (text.length() > 5 || !isDigits(text)) {
                throw invalid("port must be a number between 1 and 65535");
            }
            int value = Integer.parseInt(text);
            if (value < 1 || value > 65535) {
                throw invalid("port must be a number between 1 and 65535");
            }
            return value;
        }

        private String sslMode(String value) {
            if (!SSL_MODES.contains(value)) {
                throw invalid("sslmode must be one of " + String.join(", ", SSL_MODES));
            }
            return value;
        }

        /** pgjdbc decodes with {@link URLDecoder} ('+' is a space); libpq decodes only %XX ('+' is a plus). */
        private String decode(String text, String part) {
            if (jdbc) {
                try {
                    return URLDecoder.decode(text, StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    throw invalid("has malformed percent-encoding in the " + part);
                }
            }
            return percentDecode(text, part);
        }

        private String percentDecode(String text, String part) {
            if (text.indexOf('%') < 0) {
                return text;
            }
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length);
            for (int i = 0; i < bytes.length; i++) {
                if (bytes[i] != '%') {
                    out.write(bytes[i]);
                    continue;
                }
                int high = i + 1 < bytes.length ? Character.digit(bytes[i + 1], 16) : -1;
                int low = i + 2 < bytes.length ? Character.digit(bytes[i + 2], 16) : -1;
                if (high < 0 || low < 0) {
                    throw invalid("has malformed percent-encoding in the " + part);
                }
                out.write(high << 4 | low);
                i += 2;
            }
            try {
                return StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(out.toByteArray()))
                        .toString();
            } catch (CharacterCodingException e) {
                throw invalid("has percent-encoding in the " + part + " that is not UTF-8");
            }
        }

        private InvalidConfigurationException invalid(String problem) {
            return new InvalidConfigurationException(setting, problem);
        }

        private static int indexOfAny(String text, String characters) {
            for (int i = 0; i < text.length(); i++) {
                if (characters.indexOf(text.charAt(i)) >= 0) {
                    return i;
                }
            }
            return text.length();
        }

        // Loops rather than streams and lambdas: this runs on every cold start, where each stream pipeline and
        // lambda costs classes loaded and call sites linked.
        private static boolean isDigits(String text) {
            for (int i = 0; i < text.length(); i++) {
                if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                    return false;
                }
            }
            return true;
        }

        private static boolean allNull(List<?> values) {
            for (Object value : values) {
                if (value != null) {
                    return false;
                }
            }
            return true;
        }

        private static String emptyToNull(String value) {
            return value == null || value.isEmpty() ? null : value;
        }
    }
}
