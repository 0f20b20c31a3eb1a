package io.modelhub.portal;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.modelhub.api.ApiException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The developer portal (API.md section 9): static pages under {@code portal/} on the class path, the
 * chart and API-documentation libraries from their WebJars, all served by the hub itself with a strict
 * Content-Security-Policy so that no script, style or frame comes from anywhere else. The pages are
 * clients of the same JSON API that keys use; nothing here decides who may do what.
 */
public final class Portal {
    /** No inline script or style, nothing from another host, never framed. */
    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
            + "frame-ancestors 'none'";

    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8", "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8", "png", "image/png", "svg", "image/svg+xml",
            "json", "application/json", "ico", "image/x-icon");

    /** The WebJars the pages use, by the short name the pages load them under ({@code /webjars/NAME/...}). */
    private static final Map<String, String> WEBJARS = Map.of(
            "uplot", "org.webjars.npm/uplot", "swagger-ui", "org.webjars/swagger-ui");

    private final Map<String, String> webjarRoots = new ConcurrentHashMap<>();
    private final Map<String, Asset> cache = new ConcurrentHashMap<>();

    /** One file to serve: its bytes and content type. */
    record Asset(byte[] bytes, String type) {}

    public Portal() {
        WEBJARS.forEach((name, coordinates) -> webjarRoots.put(name,
                "META-INF/resources/webjars/" + name + "/" + webjarVersion(coordinates) + "/"));
    }

    /** The portal's paths, in a block of their own in the table of contents. */
    public void routes(HttpRouting.Builder r) {
        r.get("/", (req, res) -> send(res, "portal/index.html"));
        r.get("/index.html", (req, res) -> send(res, "portal/index.html"));
        r.get("/docs", (req, res) -> send(res, "portal/docs.html"));
        r.get("/portal/*", (req, res) -> send(res, "portal/" + rest(req, "/portal/")));
        r.get("/webjars/{name}/*", this::webjar);
    }

    private void webjar(ServerRequest req, ServerResponse res) {
        String name = req.path().pathParameters().get("name");
        String root = webjarRoots.get(name);
        if (root == null) {
            throw notFound(req);
        }
        send(res, root + rest(req, "/webjars/" + name + "/"));
    }

    /** The part of the path after {@code prefix}, refused if it tries to climb out of its folder. */
    private static String rest(ServerRequest req, String prefix) {
        String path = req.path().path();
        String rest = path.length() > prefix.length() ? path.substring(prefix.length()) : "";
        if (rest.isEmpty() || rest.contains("..") || rest.contains("\\") || rest.startsWith("/")) {
            throw notFound(req);
        }
        return rest;
    }

    private void send(ServerResponse res, String resource) {
        Asset asset = cache.get(resource);
        if (asset == null) {
            asset = load(resource);
            // Only files that exist are kept: caching misses would let anyone grow the cache with made-up paths.
            if (asset.bytes() != null) {
                cache.put(resource, asset);
            }
        }
        if (asset.bytes() == null) {
            throw ApiException.notFound("No such portal file: /" + resource.substring(resource.lastIndexOf('/') + 1)
                    + ".", null, "route_not_found");
        }
        securityHeaders(res);
        res.header(HeaderNames.CONTENT_TYPE, asset.type());
        // Pages change with the hub; the libraries' paths carry no version here, so neither is cached for long.
        res.header(HeaderNames.CACHE_CONTROL, asset.type().startsWith("text/html") ? "no-store" : "max-age=300");
        res.status(Status.OK_200);
        res.send(asset.bytes());
    }

    /** The headers every portal answer carries. */
    static void securityHeaders(ServerResponse res) {
        res.header("Content-Security-Policy", CSP);
        res.header("X-Content-Type-Options", "nosniff");
        res.header("X-Frame-Options", "DENY");
        res.header("Referrer-Policy", "no-referrer");
    }

    private static Asset load(String resource) {
        String ext = resource.substring(resource.lastIndexOf('.') + 1);
        String type = TYPES.get(ext);
        if (type == null) {
            return new Asset(null, null);
        }
        try (InputStream in = Portal.class.getClassLoader().getResourceAsStream(resource)) {
            return in == null ? new Asset(null, null) : new Asset(in.readAllBytes(), type);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ApiException notFound(ServerRequest req) {
        return ApiException.notFound("Unknown route: GET " + req.path().path() + ". GET /openapi.json lists the routes.",
                null, "route_not_found");
    }

    /** The version of a WebJar on the class path, from the pom.properties Maven puts in every jar. */
    private static String webjarVersion(String coordinates) {
        String file = "META-INF/maven/" + coordinates + "/pom.properties";
        try (InputStream in = Portal.class.getClassLoader().getResourceAsStream(file)) {
            if (in == null) {
                throw new IllegalStateException("the portal needs the WebJar " + coordinates + " on the class path");
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
