package io.modelhub.api;

import java.util.Map;

/**
 * A failure that maps to exactly one API error: HTTP status, OpenAI error {@code type}, optional
 * {@code param} and {@code code}, and extra response headers (e.g. Retry-After).
 */
public final class ApiException extends RuntimeException {
    private final int status;
    private final String type;
    private final String param;
    private final String code;
    private final Map<String, String> headers;

    public ApiException(int status, String type, String message, String param, String code, Map<String, String> headers) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.param = param;
        this.code = code;
        this.headers = headers == null ? Map.of() : Map.copyOf(headers);
    }

    public static ApiException badRequest(String message, String param, String code) {
        return new ApiException(400, "invalid_request_error", message, param, code, null);
    }

    public static ApiException unauthorized(String message, String code) {
        return new ApiException(401, "authentication_error", message, null, code, null);
    }

    public static ApiException forbidden(String message, String code) {
        return new ApiException(403, "permission_error", message, null, code, null);
    }

    public static ApiException notFound(String message, String param, String code) {
        return new ApiException(404, "not_found_error", message, param, code, null);
    }

    public static ApiException conflict(String message, String code) {
        return new ApiException(409, "conflict_error", message, null, code, null);
    }

    /** 413; the connection closes after it (the rest of the body is not read), so it says {@code Connection: close}. */
    public static ApiException tooLarge(String message) {
        return new ApiException(413, "invalid_request_error", message, null, "request_too_large", Map.of("Connection", "close"));
    }

    public static ApiException rateLimited(String message, String code, Map<String, String> headers) {
        return new ApiException(429, "rate_limit_error", message, null, code, headers);
    }

    public static ApiException internal(String message) {
        return new ApiException(500, "api_error", message, null, "internal_error", null);
    }

    public static ApiException upstream(String message, String code) {
        return new ApiException(502, "upstream_error", message, null, code, null);
    }

    public static ApiException unavailable(String message, String code) {
        return new ApiException(503, "unavailable_error", message, null, code, null);
    }

    public static ApiException timeout(String message) {
        return new ApiException(504, "upstream_timeout", message, null, "upstream_timeout", null);
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String param() {
        return param;
    }

    public String code() {
        return code;
    }

    public Map<String, String> headers() {
        return headers;
    }

    /** The same error with more response headers. */
    public ApiException withHeaders(Map<String, String> more) {
        Map<String, String> all = new java.util.HashMap<>(headers);
        all.putAll(more);
        return new ApiException(status, type, getMessage(), param, code, all);
    }
}
