package dev.txfn.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.txfn.Credentials;
import dev.txfn.CredentialsUnavailableException;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Reads the JSON of a secret with Jackson's streaming parser (jackson-core alone: no data binding, a few dozen
 * classes). Errors say where the JSON is malformed or which key is missing, never any of its text: Jackson's
 * own messages quote the token they choke on, which may be a piece of the password, so they are neither
 * repeated nor attached as causes. Stateless.
 */
final class SecretJson {
    private static final JsonFactory FACTORY = JsonFactory.builder().build();

    private SecretJson() {
    }

    /** The {@code SecretString} of a GetSecretValue answer. */
    static String secretString(byte[] answer, SecretReader.Settings settings, String what) {
        Map<String, String> fields = topLevelStrings(answer, null, settings, what, Set.of("SecretString"));
        String value = fields.get("SecretString");
        if (value == null) {
            throw new CredentialsUnavailableException(settings.describe() + ": " + what + " has no SecretString"
                    + " (a binary secret is not supported)", false, null);
        }
        return value;
    }

    /** The user name and password in a secret's JSON value. */
    static Credentials credentials(String secretString, SecretReader.Settings settings) {
        if (secretString == null) {
            throw new CredentialsUnavailableException(settings.describe() + " has no SecretString (a binary secret"
                    + " is not supported)", false, null);
        }
        String what = "the secret's value";
        Map<String, String> fields = topLevelStrings(null, secretString, settings, what,
                Set.of(settings.usernameKey(), settings.passwordKey()));
        String password = fields.get(settings.passwordKey());
        if (password == null) {
            throw new CredentialsUnavailableException(settings.describe() + ": " + what + " has no string key '"
                    + settings.passwordKey() + "'", false, null);
        }
        String user = fields.get(settings.usernameKey());
        if (user == null || user.isEmpty()) {
            throw new CredentialsUnavailableException(settings.describe() + ": " + what + " has no string key '"
                    + settings.usernameKey() + "'", false, null);
        }
        return new Credentials(user, password);
    }

    private static Map<String, String> topLevelStrings(byte[] bytes, String text, SecretReader.Settings settings,
            String what, Set<String> wanted) {
        Map<String, String> found = new HashMap<>();
        try (JsonParser parser = bytes != null ? FACTORY.createParser(bytes) : FACTORY.createParser(text)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw malformed(settings, what, "is not a JSON object", parser.currentTokenLocation());
            }
            JsonToken token;
            while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if (value == JsonToken.VALUE_STRING && wanted.contains(name)) {
                    found.put(name, parser.getText());
                } else {
                    parser.skipChildren();
                }
            }
            if (token != JsonToken.END_OBJECT || parser.nextToken() != null) {
                throw malformed(settings, what, "is not one JSON object", parser.currentTokenLocation());
            }
            return found;
        } catch (JsonProcessingException e) {
            throw malformed(settings, what, "is not valid JSON", e.getLocation());
        } catch (IOException e) {
            throw new CredentialsUnavailableException(settings.describe() + ": " + what + " could not be read ("
                    + e.getClass().getSimpleName() + ")", false, null);
        }
    }

    private static CredentialsUnavailableException malformed(SecretReader.Settings settings, String what,
            String problem, JsonLocation where) {
        String at = where == null || where.getLineNr() < 0 ? ""
                : " (at line " + where.getLineNr() + ", column " + where.getColumnNr() + ")";
        return new CredentialsUnavailableException(settings.describe() + ": " + what + " " + problem + at, false,
                null);
    }
}
