package dev.txfn.samples.tenants;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.txfn.InvalidConfigurationException;
import dev.txfn.lambda.LocalJwtVerifier;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;

/**
 * Signs tokens for the local runner ({@code java -jar tenants-api.jar token <tenant>}): HS256 with the secret in
 * {@value LocalJwtVerifier#SECRET_VARIABLE}, the one the local server verifies with, carrying {@code sub},
 * {@code tenant_id}, {@code iat} and {@code exp} (and {@code iss}/{@code aud} when the local verifier requires
 * them). For trying the API on a laptop only: in AWS the identity provider issues the tokens and API Gateway's JWT
 * authorizer verifies them. Stateless.
 */
final class LocalTokens {
    /** How long a local token is valid. */
    static final Duration LIFETIME = Duration.ofHours(1);

    private LocalTokens() {
    }

    /**
     * A token for {@code tenant}.
     *
     * @param env the environment holding the secret (and the issuer and audience, if any)
     * @param tenant the {@code tenant_id} claim
     * @param subject the {@code sub} claim
     * @return the compact JWS
     * @throws InvalidConfigurationException if the secret is missing or shorter than 32 bytes
     */
    static String sign(Map<String, String> env, String tenant, String subject) {
        String secret = env.get(LocalJwtVerifier.SECRET_VARIABLE);
        if (secret == null || secret.isBlank()) {
            throw new InvalidConfigurationException(LocalJwtVerifier.SECRET_VARIABLE, "is not set: export"
                    + " TXFN_LOCAL_JWT_SECRET=$(openssl rand -hex 32) for both `serve` and `token`");
        }
        LocalJwtVerifier.fromEnv(Map.of(LocalJwtVerifier.SECRET_VARIABLE, secret)); // the same length rule
        Instant now = Instant.now();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().subject(subject).claim("tenant_id", tenant)
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plus(LIFETIME)));
        String issuer = env.get(LocalJwtVerifier.ISSUER_VARIABLE);
        if (issuer != null && !issuer.isBlank()) {
            claims.issuer(issuer.strip());
        }
        String audience = env.get(LocalJwtVerifier.AUDIENCE_VARIABLE);
        if (audience != null && !audience.isBlank()) {
            claims.audience(audience.strip());
        }
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims.build());
        try {
            jwt.sign(new MACSigner(secret.strip().getBytes(StandardCharsets.UTF_8)));
        } catch (JOSEException e) {
            throw new InvalidConfigurationException(LocalJwtVerifier.SECRET_VARIABLE, "cannot sign: "
                    + e.getClass().getSimpleName());
        }
        return jwt.serialize();
    }
}
