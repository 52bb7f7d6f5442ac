package dev.txfn.samples.tenants;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;

/** HTTP API (v2) events as API Gateway sends them behind a JWT authorizer, for the tests. */
final class TenantEvents {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TenantEvents() {
    }

    /** A request whose JWT authorizer vouched for {@code claims} (all text, as API Gateway renders them). */
    static APIGatewayV2HTTPEvent request(String method, String pathAndQuery, Map<String, String> claims,
            String jsonBody) {
        int q = pathAndQuery.indexOf('?');
        String path = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
        Map<String, String> headers = new HashMap<>(Map.of("accept", "application/json"));
        if (jsonBody != null) {
            headers.put("content-type", "application/json");
        }
        APIGatewayV2HTTPEvent.RequestContext.Authorizer authorizer = claims == null ? null
                : APIGatewayV2HTTPEvent.RequestContext.Authorizer.builder()
                        .withJwt(APIGatewayV2HTTPEvent.RequestContext.Authorizer.JWT.builder()
                                .withClaims(new HashMap<>(claims)).build())
                        .build();
        return APIGatewayV2HTTPEvent.builder()
                .withVersion("2.0")
                .withRouteKey("$default")
                .withRawPath(path)
                .withRawQueryString(q < 0 ? "" : pathAndQuery.substring(q + 1))
                .withHeaders(headers)
                .withBody(jsonBody)
                .withIsBase64Encoded(false)
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                        .withRequestId("test")
                        .withStage("$default")
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder().withMethod(method)
                                .withPath(path).build())
                        .withAuthorizer(authorizer)
                        .build())
                .build();
    }

    /** A request of tenant {@code tenant}, as a token with {@code sub} and {@code tenant_id} makes it. */
    static APIGatewayV2HTTPEvent as(String tenant, String method, String pathAndQuery, String jsonBody) {
        return request(method, pathAndQuery, Map.of("sub", "user-of-" + tenant, "tenant_id", tenant), jsonBody);
    }

    static Map<String, Object> json(APIGatewayV2HTTPResponse response) {
        try {
            return JSON.readValue(response.getBody(), new TypeReference<Map<String, Object>>() { });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String quote(String text) {
        try {
            return JSON.writeValueAsString(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
