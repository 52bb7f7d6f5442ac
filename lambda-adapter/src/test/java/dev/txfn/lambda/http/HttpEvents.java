package dev.txfn.lambda.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** API Gateway events for the tests, decoded from fixtures exactly as the Lambda runtime decodes them. */
final class HttpEvents {
    private static final ObjectMapper JSON = new ObjectMapper();

    private HttpEvents() {
    }

    static APIGatewayV2HTTPEvent v2Fixture(String name) {
        return LambdaEventSerializers.serializerFor(APIGatewayV2HTTPEvent.class, HttpEvents.class.getClassLoader())
                .fromJson(resource(name));
    }

    static APIGatewayProxyRequestEvent v1Fixture(String name) {
        return LambdaEventSerializers.serializerFor(APIGatewayProxyRequestEvent.class,
                HttpEvents.class.getClassLoader()).fromJson(resource(name));
    }

    /** The GET fixture turned into {@code method path?query} without a body. */
    static APIGatewayV2HTTPEvent v2(String method, String pathAndQuery) {
        APIGatewayV2HTTPEvent event = v2Fixture("v2-get-thing.json");
        int q = pathAndQuery.indexOf('?');
        String path = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
        event.setRawPath(path);
        event.setRawQueryString(q < 0 ? "" : pathAndQuery.substring(q + 1));
        event.setQueryStringParameters(null);
        event.getRequestContext().getHttp().setMethod(method);
        event.getRequestContext().getHttp().setPath(path);
        event.setHeaders(new HashMap<>(Map.of("accept", "application/json")));
        return event;
    }

    /** A request with a text body of the given content type. */
    static APIGatewayV2HTTPEvent v2(String method, String pathAndQuery, String contentType, String body) {
        APIGatewayV2HTTPEvent event = v2(method, pathAndQuery);
        event.getHeaders().put("content-type", contentType);
        event.setBody(body);
        return event;
    }

    static APIGatewayV2HTTPEvent v2Json(String method, String pathAndQuery, String json) {
        return v2(method, pathAndQuery, "application/json", json);
    }

    static APIGatewayProxyRequestEvent v1(String method, String path) {
        APIGatewayProxyRequestEvent event = v1Fixture("v1-get-thing.json");
        event.setHttpMethod(method);
        event.setPath(path);
        event.setMultiValueQueryStringParameters(null);
        event.setQueryStringParameters(null);
        return event;
    }

    static Map<String, Object> json(String text) {
        try {
            return JSON.readValue(text, new TypeReference<Map<String, Object>>() { });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String resource(String name) {
        try (InputStream in = HttpEvents.class.getResourceAsStream("/events/http/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
