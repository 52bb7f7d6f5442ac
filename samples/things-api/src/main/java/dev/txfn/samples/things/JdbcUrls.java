package dev.txfn.samples.things;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

/**
 * Turns {@code DATABASE_URL} into what plain JDBC needs, for the experiment's deliberately broken containers,
 * which bypass txfn (the txfn side gives the URL to {@code Database} as it is).
 */
final class JdbcUrls {
    private JdbcUrls() {
    }

    /**
     * A {@code jdbc:postgresql:} URL without credentials.
     *
     * @throws IllegalArgumentException naming {@code DATABASE_URL} (and never quoting it) if it is not a
     *     {@code postgres://} or {@code postgresql://} URI with a host, or a {@code jdbc:postgresql:} URL
     */
    static String jdbcUrl(String url) {
        if (url.startsWith("jdbc:postgresql:")) {
            return url;
        }
        URI uri = uri(url);
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("DATABASE_URL: names no host; expected"
                    + " postgres://user:password@host:port/database");
        }
        int port = uri.getPort() < 0 ? 5432 : uri.getPort();
        return "jdbc:postgresql://" + uri.getHost() + ":" + port + uri.getRawPath()
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    }

    /** The user and password of a {@code postgres://} URI (a jdbc URL carries its own). */
    static Properties credentials(String url) {
        if (url.startsWith("jdbc:postgresql:")) {
            return new Properties();
        }
        String userInfo = uri(url).getRawUserInfo();
        if (userInfo == null) {
            return credentials(System.getProperty("user.name"), "");
        }
        int colon = userInfo.indexOf(':');
        return credentials(decode(colon < 0 ? userInfo : userInfo.substring(0, colon)),
                colon < 0 ? "" : decode(userInfo.substring(colon + 1)));
    }

    static Properties credentials(String user, String password) {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", password);
        return p;
    }

    private static URI uri(String url) {
        String scheme = url.substring(0, Math.max(0, url.indexOf("://"))).toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("postgres") && !scheme.equals("postgresql")) {
            throw new IllegalArgumentException("DATABASE_URL: unsupported scheme; expected postgres://,"
                    + " postgresql:// or jdbc:postgresql:");
        }
        try {
            return new URI(url);
        } catch (java.net.URISyntaxException e) {
            // The message would quote the URL, password included.
            throw new IllegalArgumentException("DATABASE_URL: not a valid postgres:// URI or jdbc:postgresql: URL");
        }
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
