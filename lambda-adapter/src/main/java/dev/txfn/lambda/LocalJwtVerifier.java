package dev.txfn.lambda;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.txfn.InvalidConfigurationException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.util.Base64;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Verifies {@code Authorization: Bearer} tokens for {@link LocalHttpServer} the way an HTTP API's JWT authorizer
 * does in front of a deployed function: a JWS signed with the configured key (HS256 with a shared secret, or
 * RS256/RS384/RS512/PS256/PS384/PS512/ES256/ES384/ES512 with a public key; {@code none} and any other algorithm
 * are refused), not expired ({@code exp} is required), not before its {@code nbf}, and with the configured
 * issuer and audience if any. Its claims are then handed to the function as API Gateway hands them over, all as
 * text: strings as they are, numbers as their digits, dates ({@code exp}, {@code iat}, {@code nbf}) as epoch
 * seconds, booleans as {@code true}/{@code false}, a list as {@code [a b]}, an object as its JSON.
 *
 * <p>Needs {@code com.nimbusds:nimbus-jose-jwt} on the class path (an optional dependency of the adapter: add it
 * to the local runner, not to the function).
 *
 * <p>Immutable and thread-safe. Never shows the secret or a token.
 */
public final class LocalJwtVerifier {
    /** The HS256 secret, as text (at least 32 bytes in UTF-8). */
    public static final String SECRET_VARIABLE = "TXFN_LOCAL_JWT_SECRET";
    /** The public key: PEM text ({@code -----BEGIN PUBLIC KEY-----}, RSA or EC) or the path of a PEM file. */
    public static final String PUBLIC_KEY_VARIABLE = "TXFN_LOCAL_JWT_PUBLIC_KEY";
    /** The issuer a token must name in {@code iss}, if set. */
    public static final String ISSUER_VARIABLE = "TXFN_LOCAL_JWT_ISSUER";
    /** The audience a token must name in {@code aud}, if set. */
    public static final String AUDIENCE_VARIABLE = "TXFN_LOCAL_JWT_AUDIENCE";

    private static final Set<JWSAlgorithm> RSA = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
            JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512);

    private final JWSVerifier verifier;
    private final Set<JWSAlgorithm> algorithms;
    private final String issuer;
    private final String audience;

    private LocalJwtVerifier(JWSVerifier verifier, Set<JWSAlgorithm> algorithms, String issuer, String audience) {
        this.verifier = verifier;
        this.algorithms = algorithms;
        this.issuer = issuer;
        this.audience = audience;
    }

    /**
     * A verifier of HS256 tokens signed with {@code secret}.
     *
     * @param secret the shared secret, at least 32 bytes
     * @return the verifier
     * @throws IllegalArgumentException if the secret is shorter than 32 bytes
     */
    public static LocalJwtVerifier hs256(byte[] secret) {
        Objects.requireNonNull(secret, "secret");
        if (secret.length < 32) {
            throw new IllegalArgumentException("an HS256 secret must be at least 32 bytes, was " + secret.length);
        }
        try {
            return new LocalJwtVerifier(new MACVerifier(secret.clone()), Set.of(JWSAlgorithm.HS256), null, null);
        } catch (JOSEException e) {
            throw new IllegalArgumentException("not a usable HS256 secret: " + e.getMessage(), e);
        }
    }

    /**
     * A verifier of tokens signed with the private key of {@code key}: RS* and PS* for an RSA key, ES* for an EC
     * key.
     *
     * @param key an RSA or EC public key
     * @return the verifier
     * @throws IllegalArgumentException if the key is neither RSA nor EC
     */
    public static LocalJwtVerifier publicKey(PublicKey key) {
        Objects.requireNonNull(key, "key");
        if (key instanceof RSAPublicKey rsa) {
            return new LocalJwtVerifier(new RSASSAVerifier(rsa), RSA, null, null);
        }
        if (key instanceof ECPublicKey ec) {
            try {
                return new LocalJwtVerifier(new ECDSAVerifier(ec), Set.of(JWSAlgorithm.ES256, JWSAlgorithm.ES384,
                        JWSAlgorithm.ES512), null, null);
            } catch (JOSEException e) {
                throw new IllegalArgumentException("not a usable EC key: " + e.getMessage(), e);
            }
        }
        throw new IllegalArgumentException("the public key must be RSA or EC, was " + key.getAlgorithm());
    }

    /**
     * The verifier the environment describes: {@value #SECRET_VARIABLE} or {@value #PUBLIC_KEY_VARIABLE} (not
     * both), with {@value #ISSUER_VARIABLE} and {@value #AUDIENCE_VARIABLE} if set.
     *
     * @param env the environment, e.g. {@code System.getenv()}
     * @return the verifier, or empty when neither key variable is set
     * @throws InvalidConfigurationException naming the variable when a key is malformed, too short, or both
     *     are set; the message never holds the key
     */
    public static Optional<LocalJwtVerifier> fromEnv(Map<String, String> env) {
        String secret = nonBlank(env.get(SECRET_VARIABLE));
        String publicKey = nonBlank(env.get(PUBLIC_KEY_VARIABLE));
        if (secret != null && publicKey != null) {
            throw new InvalidConfigurationException(SECRET_VARIABLE, "is set together with " + PUBLIC_KEY_VARIABLE
                    + "; set one");
        }
        LocalJwtVerifier verifier;
        if (secret != null) {
            try {
                verifier = hs256(secret.getBytes(StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw new InvalidConfigurationException(SECRET_VARIABLE, "must be at least 32 bytes (e.g. `openssl"
                        + " rand -hex 32`)");
            }
        } else if (publicKey != null) {
            verifier = publicKey(parsePublicKey(publicKey));
        } else {
            return Optional.empty();
        }
        String issuer = nonBlank(env.get(ISSUER_VARIABLE));
        String audience = nonBlank(env.get(AUDIENCE_VARIABLE));
        return Optional.of(verifier.withIssuer(issuer).withAudience(audience));
    }

    /**
     * A copy that also requires {@code iss} to be {@code issuer}.
     *
     * @param issuer the issuer, or {@code null} for any
     * @return the new verifier
     */
    public LocalJwtVerifier withIssuer(String issuer) {
        return new LocalJwtVerifier(verifier, algorithms, issuer, audience);
    }

    /**
     * A copy that also requires {@code aud} to hold {@code audience}.
     *
     * @param audience the audience, or {@code null} for any
     * @return the new verifier
     */
    public LocalJwtVerifier withAudience(String audience) {
        return new LocalJwtVerifier(verifier, algorithms, issuer, audience);
    }

    /**
     * Verifies a token and returns its claims as an HTTP API's JWT authorizer hands them to the function.
     *
     * @param token the compact JWS, without {@code Bearer}
     * @return the claims, all as text
     * @throws InvalidTokenException saying why (malformed, algorithm, signature, expired, not yet valid, issuer,
     *     audience); the message never holds the token or a claim's value
     */
    public Map<String, String> verify(String token) {
        SignedJWT jwt;
        try {
            jwt = SignedJWT.parse(Objects.requireNonNull(token, "token"));
        } catch (ParseException e) {
            throw new InvalidTokenException("the bearer token is not a signed JWT");
        }
        if (!algorithms.contains(jwt.getHeader().getAlgorithm())) {
            throw new InvalidTokenException("the bearer token's algorithm is not accepted");
        }
        try {
            if (!jwt.verify(verifier)) {
                throw new InvalidTokenException("the bearer token's signature is not valid");
            }
        } catch (JOSEException e) {
            throw new InvalidTokenException("the bearer token's signature cannot be verified");
        }
        JWTClaimsSet claims;
        try {
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw new InvalidTokenException("the bearer token's claims are not a JSON object");
        }
        checkClaims(claims);
        return asApiGatewayClaims(claims);
    }

    private void checkClaims(JWTClaimsSet claims) {
        Date now = new Date();
        Date exp = claims.getExpirationTime();
        if (exp == null) {
            throw new InvalidTokenException("the bearer token has no exp claim");
        }
        if (!exp.after(now)) {
            throw new InvalidTokenException("the bearer token has expired");
        }
        if (claims.getNotBeforeTime() != null && claims.getNotBeforeTime().after(now)) {
            throw new InvalidTokenException("the bearer token is not valid yet");
        }
        if (issuer != null && !issuer.equals(claims.getIssuer())) {
            throw new InvalidTokenException("the bearer token's issuer is not accepted");
        }
        if (audience != null && (claims.getAudience() == null || !claims.getAudience().contains(audience))) {
            throw new InvalidTokenException("the bearer token's audience is not accepted");
        }
    }

    /** The claims as API Gateway renders them for the function: every value as text. */
    static Map<String, String> asApiGatewayClaims(JWTClaimsSet claims) {
        Map<String, String> rendered = new LinkedHashMap<>();
        claims.getClaims().forEach((name, value) -> {
            if (value != null) {
                rendered.put(name, render(value));
            }
        });
        return rendered;
    }

    private static String render(Object value) {
        if (value instanceof Date date) {
            return Long.toString(date.getTime() / 1000);
        }
        if (value instanceof Collection<?> list) {
            return list.stream().map(LocalJwtVerifier::render).collect(Collectors.joining(" ", "[", "]"));
        }
        if (value instanceof Map<?, ?> map) {
            return JSONObjectUtils.toJSONString(objectMap(map));
        }
        if (value instanceof Double d && d == Math.rint(d) && !Double.isInfinite(d)) {
            return Long.toString(d.longValue());
        }
        return value.toString();
    }

    private static Map<String, Object> objectMap(Map<?, ?> map) {
        Map<String, Object> copy = new LinkedHashMap<>();
        map.forEach((k, v) -> copy.put(String.valueOf(k), v));
        return copy;
    }

    private static PublicKey parsePublicKey(String value) {
        String pem = value;
        if (!value.startsWith("-----BEGIN")) {
            try {
                pem = Files.readString(Path.of(value), StandardCharsets.US_ASCII);
            } catch (IOException | RuntimeException e) {
                throw new InvalidConfigurationException(PUBLIC_KEY_VARIABLE, "is neither PEM text nor a readable"
                        + " PEM file");
            }
        }
        String base64 = pem.replaceAll("-----(BEGIN|END) PUBLIC KEY-----", "").replaceAll("\\s", "");
        byte[] der;
        try {
            der = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationException(PUBLIC_KEY_VARIABLE, "is not a PEM public key");
        }
        for (String algorithm : new String[] {"RSA", "EC"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // try the next key type
            }
        }
        throw new InvalidConfigurationException(PUBLIC_KEY_VARIABLE, "is not an RSA or EC public key in PEM"
                + " (-----BEGIN PUBLIC KEY-----)");
    }

    private static String nonBlank(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    /** Names the accepted algorithms, the issuer and the audience; never the key. */
    @Override
    public String toString() {
        return "LocalJwtVerifier[" + algorithms.stream().map(JWSAlgorithm::getName).sorted()
                .collect(Collectors.joining(",")) + (issuer == null ? "" : ", iss=" + issuer)
                + (audience == null ? "" : ", aud=" + audience) + "]";
    }

    /** A bearer token that was refused; the message says why, never what the token held. */
    public static final class InvalidTokenException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        /**
         * Creates the exception.
         *
         * @param reason why the token was refused
         */
        public InvalidTokenException(String reason) {
            super(reason, null, false, false);
        }
    }
}
