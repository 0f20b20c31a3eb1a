package io.modelhub.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.modelhub.config.ConfigLoader;
import io.modelhub.config.HubConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The Helm chart renders to the manifests several replicas need: probes on /health/*, drain, HPA, PDB, config and secrets. */
class HelmChartTest {
    static final Path CHART = Path.of("deploy/helm/modelhub");
    final ObjectMapper yaml = new ObjectMapper(new YAMLFactory());

    /** Every template rendered with the default values plus {@code overrides}, by kind. */
    Map<String, JsonNode> render(String overrides) throws Exception {
        JsonNode values = yaml.readTree(CHART.resolve("values.yaml").toFile());
        if (!overrides.isEmpty()) {
            merge((ObjectNode) values, yaml.readTree(overrides));
        }
        ChartTemplates t = new ChartTemplates(values, "prod", yaml.readTree(CHART.resolve("Chart.yaml").toFile()));
        Map<String, JsonNode> byKind = new HashMap<>();
        try (Stream<Path> files = Files.list(CHART.resolve("templates"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).toList()) {
                String out = t.render(Files.readString(f));
                if (out.isBlank()) {
                    continue;
                }
                JsonNode doc = yaml.readTree(out);
                assertThat(doc.path("kind").isTextual()).as(f + " renders a manifest:\n" + out).isTrue();
                byKind.put(doc.get("kind").asText(), doc);
            }
        }
        return byKind;
    }

    static void merge(ObjectNode into, JsonNode from) {
        from.fields().forEachRemaining(e -> {
            if (e.getValue().isObject() && into.get(e.getKey()) instanceof ObjectNode o) {
                merge(o, e.getValue());
            } else {
                into.set(e.getKey(), e.getValue());
            }
        });
    }

    @Test
    void theDeploymentProbesHealthDrainsOnSigtermAndRunsAsNonRoot() throws Exception {
        JsonNode d = render("").get("Deployment");
        assertThat(d.at("/apiVersion").asText()).isEqualTo("apps/v1");
        assertThat(d.at("/metadata/name").asText()).isEqualTo("prod-modelhub");
        JsonNode pod = d.at("/spec/template/spec");
        JsonNode c = pod.at("/containers/0");
        assertThat(c.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/health/ready");
        assertThat(c.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/health/live");
        assertThat(c.at("/readinessProbe/httpGet/port").asText()).isEqualTo("http");
        assertThat(c.at("/ports/0/containerPort").asInt()).isEqualTo(8080);
        assertThat(c.at("/lifecycle/preStop/exec/command").toString()).isEqualTo("[\"sleep\",\"10\"]");
        // The grace period covers the preStop delay plus the hub's own drain of in-flight requests.
        assertThat(pod.at("/terminationGracePeriodSeconds").asInt()).isGreaterThan(10 + 30);
        assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean()).isTrue();
        assertThat(pod.at("/securityContext/runAsUser").asInt()).isEqualTo(10001);
        assertThat(c.at("/securityContext/readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(c.at("/args").toString()).contains("/etc/modelhub/modelhub.yaml");
        assertThat(c.at("/envFrom/0/secretRef/name").asText()).isEqualTo("prod-modelhub");
        assertThat(c.at("/resources/requests/cpu").asText()).isEqualTo("500m");
        assertThat(d.at("/spec/replicas").isMissingNode()).as("the HPA owns the replica count").isTrue();
        assertThat(d.at("/spec/selector/matchLabels")).isEqualTo(d.at("/spec/template/metadata/labels"));
        assertThat(d.at("/spec/strategy/rollingUpdate/maxUnavailable").asInt()).isZero();
    }

    @Test
    void theServiceHpaAndPdbSelectTheDeploymentsPods() throws Exception {
        Map<String, JsonNode> m = render("");
        JsonNode labels = m.get("Deployment").at("/spec/template/metadata/labels");
        assertThat(m.get("Service").at("/spec/selector")).isEqualTo(labels);
        assertThat(m.get("Service").at("/spec/ports/0/targetPort").asText()).isEqualTo("http");
        JsonNode hpa = m.get("HorizontalPodAutoscaler");
        assertThat(hpa.at("/apiVersion").asText()).isEqualTo("autoscaling/v2");
        assertThat(hpa.at("/spec/scaleTargetRef/name").asText()).isEqualTo("prod-modelhub");
        assertThat(hpa.at("/spec/minReplicas").asInt()).isEqualTo(3);
        assertThat(hpa.at("/spec/metrics/0/resource/target/averageUtilization").asInt()).isEqualTo(70);
        JsonNode pdb = m.get("PodDisruptionBudget");
        assertThat(pdb.at("/apiVersion").asText()).isEqualTo("policy/v1");
        assertThat(pdb.at("/spec/minAvailable").asInt()).isEqualTo(2);
        assertThat(pdb.at("/spec/selector/matchLabels")).isEqualTo(labels);
    }

    @Test
    void postgresRedisAndKeysGoInTheSecretAndTheConfigMapIsAValidHubConfig() throws Exception {
        Map<String, JsonNode> m = render("""
                postgresUrl: "jdbc:postgresql://db:5432/hub?user=hub&password=p"
                redisUrl: "redis://redis:6379"
                adminKey: "mh-admin.secretsecretsecret"
                providerKeys: {OPENAI_API_KEY: "sk-test"}
                config: {cache: {enabled: true}}
                """);
        JsonNode secret = m.get("Secret").get("stringData");
        assertThat(secret.get("MODELHUB_STORE_URL").asText()).isEqualTo("jdbc:postgresql://db:5432/hub?user=hub&password=p");
        assertThat(secret.get("MODELHUB_REDIS_URL").asText()).isEqualTo("redis://redis:6379");
        assertThat(secret.get("MODELHUB_ADMIN_KEY").asText()).isEqualTo("mh-admin.secretsecretsecret");
        assertThat(secret.get("OPENAI_API_KEY").asText()).isEqualTo("sk-test");
        assertThat(m.get("ConfigMap").toString()).doesNotContain("sk-test").doesNotContain("secretsecret");

        String file = m.get("ConfigMap").at("/data/modelhub.yaml").asText();
        HubConfig cfg = new ConfigLoader(Map.of("MODELHUB_STORE_URL", "jdbc:postgresql://db:5432/hub"))
                .parse("modelhub.yaml", file, ConfigLoader.Flags.NONE);
        assertThat(cfg.server().host()).isEqualTo("0.0.0.0");
        assertThat(cfg.operations().cache().enabled()).isTrue();
        assertThat(cfg.operations().logging().access()).isEqualTo("stdout");
    }

    @Test
    void optionalPartsCanBeSwitchedOff() throws Exception {
        Map<String, JsonNode> m = render("""
                autoscaling: {enabled: false}
                podDisruptionBudget: {enabled: false}
                existingSecret: hub-secrets
                replicaCount: 4
                """);
        assertThat(m).doesNotContainKeys("HorizontalPodAutoscaler", "PodDisruptionBudget", "Secret");
        assertThat(m.get("Deployment").at("/spec/replicas").asInt()).isEqualTo(4);
        assertThat(m.get("Deployment").at("/spec/template/spec/containers/0/envFrom/0/secretRef/name").asText()).isEqualTo("hub-secrets");
    }
}
