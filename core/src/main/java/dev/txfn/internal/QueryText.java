package dev.txfn.internal;

import java.util.Locale;

/**
 * A statement's SQL text as a trace may record it: every literal (quoted strings of every kind, dollar-quoted
 * bodies, numbers) replaced by {@code ?} and every comment removed, so that no value written into the SQL
 * reaches a span; identifiers, keywords, quoted identifiers and parameter markers ({@code ?}, {@code $1}) are
 * kept. Follows PostgreSQL's lexical rules with {@code standard_conforming_strings} on (the default since 9.1).
 * Immutable.
 *
 * @param sanitized the text without literals or comments
 * @param operation the statement's first keyword in upper case ({@code SELECT}, {@code INSERT}, {@code WITH},
 *     ...), or {@code null} when it does not start with one
 */
record QueryText(String sanitized, String operation) {

    /**
     * Sanitizes {@code sql}.
     *
     * @param sql the SQL text as written by the application
     * @return the text without literals and comments, and its operation
     */
    static QueryText of(String sql) {
        String sanitized = sanitize(sql == null ? "" : sql);
        return new QueryText(sanitized, operationOf(sanitized));
    }

    private static String sanitize(String sql) {
        int n = sql.length();
        StringBuilder out = new StringBuilder(n);
        int i = 0;
        while (i < n) {
            char c = sql.charAt(i);
            char next = i + 1 < n ? sql.charAt(i + 1) : 0;
            if (c == '-' && next == '-') {
                i = endOfLineComment(sql, i);
                space(out);
            } else if (c == '/' && next == '*') {
                i = endOfBlockComment(sql, i);
                space(out);
            } else if (c == '\'') {
                i = endOfString(sql, i, false);
                out.append('?');
            } else if (c == '"') {
                int end = endOfQuotedIdentifier(sql, i);
                if (end < 0) {
                    // Never closed: the server refuses the text, but what follows the quote may be literals.
                    out.append('?');
                    i = n;
                } else {
                    out.append(sql, i, end);
                    i = end;
                }
            } else if (c == '$') {
                i = dollar(sql, i, out);
            } else if (isIdentifierStart(c)) {
                i = word(sql, i, out);
            } else if (isDigit(c) || (c == '.' && isDigit(next))) {
                i = endOfNumber(sql, i);
                out.append('?');
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString().strip();
    }

    /** A word: an identifier or keyword, kept; or the prefix of a string literal ({@code E'..'}, {@code U&'..'}). */
    private static int word(String sql, int start, StringBuilder out) {
        int end = start + 1;
        while (end < sql.length() && isIdentifierPart(sql.charAt(end))) {
            end++;
        }
        if (end < sql.length() && sql.charAt(end) == '\'' && end - start == 1) {
            char prefix = Character.toUpperCase(sql.charAt(start));
            if (prefix == 'E' || prefix == 'B' || prefix == 'X' || prefix == 'N') {
                out.append('?');
                return endOfString(sql, end, prefix == 'E');
            }
        }
        if (end - start == 1 && Character.toUpperCase(sql.charAt(start)) == 'U' && sql.startsWith("&'", end)) {
            out.append('?');
            return endOfString(sql, end + 1, false);
        }
        out.append(sql, start, end);
        return end;
    }

    /** {@code $1} (a parameter, kept), {@code $tag$...$tag$} (a literal, replaced), or a lone {@code $}. */
    private static int dollar(String sql, int start, StringBuilder out) {
        int n = sql.length();
        int i = start + 1;
        if (i < n && isDigit(sql.charAt(i))) {
            while (i < n && isDigit(sql.charAt(i))) {
                i++;
            }
            out.append(sql, start, i);
            return i;
        }
        if (i < n && isIdentifierStart(sql.charAt(i))) {
            while (i < n && isIdentifierPart(sql.charAt(i)) && sql.charAt(i) != '$') {
                i++;
            }
        }
        if (i < n && sql.charAt(i) == '$') {
            String tag = sql.substring(start, i + 1);
            int close = sql.indexOf(tag, i + 1);
            out.append('?');
            return close < 0 ? n : close + tag.length();
        }
        out.append('$');
        return start + 1;
    }

    /** Past the closing quote; a doubled quote is part of the string, and with escapes so is a backslashed one. */
    private static int endOfString(String sql, int quote, boolean backslashEscapes) {
        int n = sql.length();
        int i = quote + 1;
        while (i < n) {
            char c = sql.charAt(i);
            if (backslashEscapes && c == '\\') {
                i += 2;
            } else if (c == '\'') {
                if (i + 1 < n && sql.charAt(i + 1) == '\'') {
                    i += 2;
                } else {
                    return i + 1;
                }
            } else {
                i++;
            }
        }
        return n;
    }

    /** Past the closing quote (a doubled quote is part of the name), or -1 when the identifier never closes. */
    private static int endOfQuotedIdentifier(String sql, int quote) {
        int n = sql.length();
        int i = quote + 1;
        while (i < n) {
            if (sql.charAt(i) == '"') {
                if (i + 1 < n && sql.charAt(i + 1) == '"') {
                    i += 2;
                    continue;
                }
                return i + 1;
            }
            i++;
        }
        return -1;
    }

    private static int endOfLineComment(String sql, int start) {
        int end = sql.indexOf('\n', start);
        return end < 0 ? sql.length() : end;
    }

    /** Block comments nest in PostgreSQL. */
    private static int endOfBlockComment(String sql, int start) {
        int n = sql.length();
        int depth = 0;
        int i = start;
        while (i < n) {
            if (sql.startsWith("/*", i)) {
                depth++;
                i += 2;
            } else if (sql.startsWith("*/", i)) {
                depth--;
                i += 2;
                if (depth == 0) {
                    return i;
                }
            } else {
                i++;
            }
        }
        return n;
    }

    /** Decimal, hexadecimal, octal and binary integers, decimals and exponents, with {@code _} separators. */
    private static int endOfNumber(String sql, int start) {
        int n = sql.length();
        int i = start;
        while (i < n) {
            char c = sql.charAt(i);
            if (isDigit(c) || Character.isLetter(c) || c == '_' || c == '.') {
                i++;
            } else if ((c == '+' || c == '-') && (sql.charAt(i - 1) == 'e' || sql.charAt(i - 1) == 'E')
                    && i + 1 < n && isDigit(sql.charAt(i + 1)) && !isPrefixed(sql, start)) {
                i++;
            } else {
                break;
            }
        }
        return i;
    }

    private static boolean isPrefixed(String sql, int start) {
        return sql.charAt(start) == '0' && start + 1 < sql.length()
                && "xXoObB".indexOf(sql.charAt(start + 1)) >= 0;
    }

    private static String operationOf(String sanitized) {
        int i = 0;
        int n = sanitized.length();
        while (i < n && (Character.isWhitespace(sanitized.charAt(i)) || sanitized.charAt(i) == '(')) {
            i++;
        }
        int start = i;
        while (i < n && Character.isLetter(sanitized.charAt(i))) {
            i++;
        }
        return i == start ? null : sanitized.substring(start, i).toUpperCase(Locale.ROOT);
    }

    private static void space(StringBuilder out) {
        if (out.length() > 0 && out.charAt(out.length() - 1) != ' ') {
            out.append(' ');
        }
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isIdentifierStart(char c) {
        return Character.isLetter(c) || c == '_' || c > 0x7f;
    }

    private static boolean isIdentifierPart(char c) {
        return isIdentifierStart(c) || isDigit(c) || c == '$';
    }
}
