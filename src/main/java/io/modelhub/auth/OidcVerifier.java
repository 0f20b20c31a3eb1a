package io.modelhub.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.modelhub.config.HubConfig;
import io.modelhub.api.ApiException;
import java.net.MalformedURLException;
import java.net.URI;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

/**
 * Accepts JWTs from one external OIDC issuer ({@code auth.oidc}): signature against the issuer's JWKS
 * (fetched on first use, cached and refreshed by nimbus), exact issuer, audience, expiry. Scopes come from
 * a configured claim (a space-separated string or a list) and only {@code read}, {@code write} and
 * {@code admin} count. The caller meters and is rate-limited under the key id {@code oidc:<sub>}.
 */
public final class OidcVerifier {
    /** Prefix of the key id an external caller is metered under. */
    public static final String KEY_ID_PREFIX = "oidc:";

    private final HubConfig.Oidc config;
    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();

    public OidcVerifier(HubConfig.Oidc config) {
        this.config = config;
        JWKSource<SecurityContext> jwks;
        try {
            jwks = JWKSourceBuilder.create(URI.create(config.jwksUrl()).toURL()).build();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("auth.oidc.jwks_url: " + e.getMessage(), e);
        }
        Set<JWSAlgorithm> algorithms = new HashSet<>();
        algorithms.addAll(JWSAlgorithm.Family.RSA);
        algorithms.addAll(JWSAlgorithm.Family.EC);
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(algorithms, jwks));
        processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(config.audience(),
                new JWTClaimsSet.Builder().issuer(config.issuer()).build(), Set.of("sub", "exp")));
    }

    public String issuer() {
        return config.issuer();
    }

    public Principal verify(SignedJWT jwt) {
        JWTClaimsSet claims;
        try {
            claims = processor.process(jwt, null);
        } catch (BadJOSEException | JOSEException e) {
            // The reason (expired, wrong audience, bad signature) helps the caller and reveals no secret.
            throw ApiException.unauthorized("Invalid external token: " + e.getMessage(), "invalid_token");
        }
        Scope widest = null;
        for (String name : scopeNames(claims.getClaim(config.scopesClaim()))) {
            Scope s = Scope.fromWire(name);
            if (s != null && (widest == null || s.includes(widest))) {
                widest = s;
            }
        }
        if (widest == null) {
            throw ApiException.forbidden("The external token carries no ModelHub scope (read, write or admin) in claim '"
                    + config.scopesClaim() + "'.", "insufficient_scope");
        }
        String sub = claims.getSubject();
        return new Principal(KEY_ID_PREFIX + sub, sub, widest, null, Principal.CredentialKind.EXTERNAL_TOKEN);
    }

    private static Collection<String> scopeNames(Object claim) {
        if (claim instanceof String s) {
            return java.util.Arrays.asList(s.trim().split("\\s+"));
        }
        if (claim instanceof Collection<?> c) {
            return c.stream().map(String::valueOf).toList();
        }
        return java.util.List.of();
    }
}
