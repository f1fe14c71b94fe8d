/*
 * The Swagger UI of /api/docs (api/openapi.py), as django-ninja's own script starts it, with one
 * addition: every request it makes, the OpenAPI document's fetch and "Try it out", carries the
 * page's language as X-Locale. The API reads its language from headers only, never from the
 * language cookie the page follows (docs/api.md), so the document comes in the page's language.
 */
(function () {
  "use strict";

  var settings = JSON.parse(document.getElementById("swagger-settings").textContent);
  var language = document.documentElement.lang;

  settings.dom_id = "#swagger-ui";
  settings.presets = [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset];
  settings.requestInterceptor = function (request) {
    if (language && !request.headers["X-Locale"]) {
      request.headers["X-Locale"] = language;
    }
    return request;
  };
  SwaggerUIBundle(settings);
})();
