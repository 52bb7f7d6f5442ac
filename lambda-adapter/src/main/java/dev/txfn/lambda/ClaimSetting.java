package dev.txfn.lambda;

import dev.txfn.TxOptions;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A transaction setting taken from the authorizer's claims: for every transaction of an invocation whose request
 * carries claim {@code tenant_id}, {@code SET LOCAL app.tenant_id} to its value, in the same flight as the
 * transaction's first statement ({@link TxOptions#withSetting(String, String)}), whatever options the route
 * passes. With row-level security on {@code current_setting('app.tenant_id')}, a route cannot read or write
 * another tenant's rows, because it never chooses the tenant: the token does.
 *
 * <pre>{@code
 * HttpRoutes routes = HttpRoutes.builder()
 *     .claimSetting(ClaimSetting.required("tenant_id", "app.tenant_id").matching("[a-z0-9-]{1,64}"))
 *     .get("/notes/{id}", (req, tx) -> ...)
 *     .build();
 * }</pre>
 *
 * <p><b>Where claims come from</b>: see {@link HttpRequest#claims()}: an HTTP API's JWT authorizer claims, a
 * Lambda authorizer's context, a REST API's authorizer context or Cognito claims, and the verified bearer token
 * of {@link LocalHttpServer}.
 *
 * <p><b>What is refused.</b> Before the route runs, so with no database work at all, a request is answered
 * {@code 401} with an {@code application/problem+json} body and {@code WWW-Authenticate: Bearer} when a
 * {@linkplain #required(String, String) required} claim is missing, or when the claim of any claim setting is
 * not a string (a number, a boolean, a list or an object from a Lambda authorizer), is empty or blank, is longer
 * than {@value #MAX_LENGTH} characters, holds a control character, or does not match the
 * {@linkplain #matching(String) pattern}. The problem's detail and the debug log line name the claim and the
 * reason, never the value. An {@linkplain #optional(String, String) optional} claim that is absent sets
 * nothing.
 *
 * <p>Immutable and thread-safe.
 */
public final class ClaimSetting {
    /** The longest claim value accepted, in characters. */
    public static final int MAX_LENGTH = 256;

    private final String claim;
    private final String setting;
    private final boolean required;
    private final Pattern pattern;

    private ClaimSetting(String claim, String setting, boolean required, Pattern pattern) {
        this.claim = claim;
        this.setting = setting;
        this.required = required;
        this.pattern = pattern;
    }

    /**
     * Claim {@code claim} becomes setting {@code setting} of every transaction; a request without it is answered
     * 401 by every route.
     *
     * @param claim the claim name, e.g. {@code tenant_id}
     * @param setting the custom setting, e.g. {@code app.tenant_id}
     * @return the claim setting
     * @throws IllegalArgumentException if the claim is empty or the setting name is not of the form
     *     {@code prefix.name}
     */
    public static ClaimSetting required(String claim, String setting) {
        return create(claim, setting, true);
    }

    /**
     * Claim {@code claim}, when present, becomes setting {@code setting} of every transaction; when absent the
     * setting is not set. A present claim is checked as a required one is.
     *
     * @param claim the claim name
     * @param setting the custom setting
     * @return the claim setting
     * @throws IllegalArgumentException if the claim is empty or the setting name is not of the form
     *     {@code prefix.name}
     */
    public static ClaimSetting optional(String claim, String setting) {
        return create(claim, setting, false);
    }

    private static ClaimSetting create(String claim, String setting, boolean required) {
        Objects.requireNonNull(claim, "claim");
        Objects.requireNonNull(setting, "setting");
        if (claim.isEmpty()) {
            throw new IllegalArgumentException("claim name must not be empty");
        }
        TxOptions.defaults().withSetting(setting, ""); // the same name rule as every other setting
        return new ClaimSetting(claim, setting, required, null);
    }

    /**
     * A copy that also requires the whole value to match {@code regex}, e.g. {@code [a-z0-9-]{1,64}} or a UUID.
     * API Gateway's JWT authorizer hands every claim to the function as text (a number as its digits, a list as
     * {@code [a b]}), so a pattern is the way to refuse a claim of the wrong shape there.
     *
     * @param regex a {@link Pattern} regular expression
     * @return the new claim setting
     * @throws IllegalArgumentException if the expression is not valid
     */
    public ClaimSetting matching(String regex) {
        Objects.requireNonNull(regex, "regex");
        try {
            return new ClaimSetting(claim, setting, required, Pattern.compile(regex));
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("not a valid pattern for claim " + claim + ": " + e.getDescription(),
                    e);
        }
    }

    /**
     * The claim name.
     *
     * @return e.g. {@code tenant_id}
     */
    public String claim() {
        return claim;
    }

    /**
     * The setting name.
     *
     * @return e.g. {@code app.tenant_id}
     */
    public String setting() {
        return setting;
    }

    /**
     * Whether a request without the claim is refused.
     *
     * @return {@code true} for a required claim
     */
    public boolean isRequired() {
        return required;
    }

    /**
     * The pattern the value must match, if any.
     *
     * @return the pattern or empty
     */
    public Optional<Pattern> pattern() {
        return Optional.ofNullable(pattern);
    }

    /**
     * The setting's value for a request.
     *
     * @param request the request
     * @return the value, or empty for an optional claim the request does not carry
     * @throws HttpProblem 401 when the claim is required and missing, or present but not a valid value; the
     *     detail names the claim and the reason, never the value
     */
    public Optional<String> valueFor(HttpRequest request) {
        Object value = request.claims().get(claim);
        if (value == null) {
            if (required) {
                throw unauthorized("claim " + claim + " is missing");
            }
            return Optional.empty();
        }
        if (!(value instanceof String text)) {
            throw unauthorized("claim " + claim + " must be a string");
        }
        if (text.isBlank()) {
            throw unauthorized("claim " + claim + " is empty");
        }
        if (text.length() > MAX_LENGTH) {
            throw unauthorized("claim " + claim + " is longer than " + MAX_LENGTH + " characters");
        }
        if (text.chars().anyMatch(Character::isISOControl)) {
            throw unauthorized("claim " + claim + " holds a control character");
        }
        if (pattern != null && !pattern.matcher(text).matches()) {
            throw unauthorized("claim " + claim + " does not have the expected form");
        }
        return Optional.of(text);
    }

    private static HttpProblem unauthorized(String detail) {
        return HttpProblem.unauthorized(detail);
    }

    /** Names the claim, the setting and whether it is required; never a value. */
    @Override
    public String toString() {
        return "ClaimSetting[" + claim + " -> " + setting + (required ? ", required" : ", optional")
                + (pattern == null ? "" : ", matching " + pattern.pattern()) + "]";
    }
}
