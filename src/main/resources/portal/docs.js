// /docs: Swagger UI (from its WebJar, inside the jar) over this hub's own /openapi.json, with this hub
// as the server, so that "Authorize" (an API key as Bearer) and "Try it out" call the hub you are on.
window.addEventListener('DOMContentLoaded', async () => {
  const spec = await (await fetch('/openapi.json')).json();
  spec.servers = [{ url: window.location.origin, description: 'this hub' }];
  window.ui = window.SwaggerUIBundle({
    spec,
    dom_id: '#swagger-ui',
    deepLinking: true,
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
    validatorUrl: null,
  });
});
