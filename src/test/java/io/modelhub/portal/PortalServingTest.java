package io.modelhub.portal;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelhub.testing.TestHub;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The portal's pages and libraries come from the hub itself, under a strict Content-Security-Policy. */
class PortalServingTest {
    static TestHub hub;

    @BeforeAll
    static void start() {
        hub = TestHub.start("");
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    static TestHub.Response anonymous(String path) {
        return hub.send("GET", path, null, null, Map.of());
    }

    @Test
    void rootServesThePortalWithoutACredentialUnderAStrictPolicy() {
        TestHub.Response r = anonymous("/");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("content-type")).startsWith("text/html");
        assertThat(r.body()).contains("<script src=\"/portal/app.js\"").doesNotContain("http://").doesNotContain("https://");
        String csp = r.header("content-security-policy");
        assertThat(csp).contains("default-src 'self'").contains("script-src 'self'").contains("frame-ancestors 'none'")
                .doesNotContain("unsafe-inline").doesNotContain("unsafe-eval");
        assertThat(r.header("x-content-type-options")).isEqualTo("nosniff");
        assertThat(r.header("x-frame-options")).isEqualTo("DENY");
    }

    @Test
    void pagesHoldNoInlineScriptOrStyle() {
        for (String page : new String[] {"/", "/docs"}) {
            String html = anonymous(page).body();
            assertThat(html).as(page).doesNotContainPattern("<script(?![^>]*\\bsrc=)[^>]*>")
                    .doesNotContain("style=").doesNotContain("<style").doesNotContainPattern("\\son[a-z]+=");
        }
    }

    @Test
    void assetsAndWebJarsAreServedWithTheirTypes() {
        assertThat(anonymous("/portal/app.js").header("content-type")).startsWith("text/javascript");
        assertThat(anonymous("/portal/portal.css").header("content-type")).startsWith("text/css");
        TestHub.Response chart = anonymous("/webjars/uplot/dist/uPlot.iife.min.js");
        assertThat(chart.status()).isEqualTo(200);
        assertThat(chart.header("content-security-policy")).contains("default-src 'self'");
        assertThat(anonymous("/webjars/swagger-ui/swagger-ui-bundle.js").status()).isEqualTo(200);
        assertThat(anonymous("/webjars/swagger-ui/swagger-ui.css").header("content-type")).startsWith("text/css");
    }

    @Test
    void docsPageLoadsSwaggerUiFromTheJarAndOurOwnInitialiser() {
        TestHub.Response r = anonymous("/docs");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).contains("/webjars/swagger-ui/swagger-ui-bundle.js").contains("/portal/docs.js");
        assertThat(anonymous("/portal/docs.js").body()).contains("/openapi.json");
    }

    @Test
    void unknownFilesAndPathsThatClimbOutAnswer404InTheErrorShape() {
        for (String path : new String[] {"/portal/nope.js", "/portal/%2e%2e/openapi/base.json", "/webjars/unknown/x.js",
                "/portal/app.class", "/webjars/uplot/..%2Fpom.properties"}) {
            TestHub.Response r = anonymous(path);
            assertThat(r.status()).as(path).isEqualTo(404);
            assertThat(r.json().path("error").path("type").asText()).as(path).isEqualTo("not_found_error");
        }
    }

    @Test
    void apiRoutesStillAnswerJsonErrors() {
        TestHub.Response r = anonymous("/v1/nope");
        assertThat(r.status()).isIn(401, 404);
        assertThat(r.json().path("error").isObject()).isTrue();
    }
}
