package io.modelhub.catalog;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

/**
 * Ready-to-run snippets for calling one model through one provider of this hub: curl, the Python and
 * JavaScript OpenAI SDKs, and LangChain. Each reads the hub key from {@code MODELHUB_KEY} and pins the
 * provider with the {@code x-modelhub-provider} header.
 */
public record UsageExamples(String curl, String python, String javascript, String langchain) {

    /** The snippets for {@code modelId} via {@code providerId}; {@code apiBase} is the hub's {@code .../v1} URL. */
    public static UsageExamples of(String apiBase, String modelId, String providerId) {
        String model = quoted(modelId);
        String provider = quoted(providerId);
        String base = quoted(apiBase);
        // JSON string literals are also valid Python and JavaScript string literals.
        String body = "{\"model\": " + model + ", \"messages\": [{\"role\": \"user\", \"content\": \"Hello!\"}]}";
        String curl = "curl " + shell(apiBase + "/chat/completions") + " \\\n"
                + "  -H \"Authorization: Bearer $MODELHUB_KEY\" \\\n"
                + "  -H \"Content-Type: application/json\" \\\n"
                + "  -H " + shell("x-modelhub-provider: " + providerId) + " \\\n"
                + "  -d " + shell(body);
        String python = """
                import os
                from openai import OpenAI

                client = OpenAI(base_url=%s, api_key=os.environ["MODELHUB_KEY"])
                response = client.chat.completions.create(
                    model=%s,
                    messages=[{"role": "user", "content": "Hello!"}],
                    extra_headers={"x-modelhub-provider": %s},
                )
                print(response.choices[0].message.content)
                """.formatted(base, model, provider);
        String javascript = """
                import OpenAI from "openai";

                const client = new OpenAI({ baseURL: %s, apiKey: process.env.MODELHUB_KEY });
                const response = await client.chat.completions.create(
                  { model: %s, messages: [{ role: "user", content: "Hello!" }] },
                  { headers: { "x-modelhub-provider": %s } },
                );
                console.log(response.choices[0].message.content);
                """.formatted(base, model, provider);
        String langchain = """
                import os
                from langchain_openai import ChatOpenAI

                llm = ChatOpenAI(
                    model=%s,
                    base_url=%s,
                    api_key=os.environ["MODELHUB_KEY"],
                    default_headers={"x-modelhub-provider": %s},
                )
                print(llm.invoke("Hello!").content)
                """.formatted(model, base, provider);
        return new UsageExamples(curl, python, javascript, langchain);
    }

    private static String quoted(String s) {
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(s)) + "\"";
    }

    /** Single-quoted for a POSIX shell; a single quote inside is closed, escaped and reopened. */
    private static String shell(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
