/* global document, window */
// Renders the OpenAPI document named by the page (data-document) with Swagger UI, from this origin only.
(function () {
  var root = document.getElementById('reference');
  if (!root || typeof window.SwaggerUIBundle !== 'function') return;
  window.SwaggerUIBundle({
    url: root.getAttribute('data-document'),
    domNode: root,
    deepLinking: true,
    // No request to the public validator service: the page makes none outside this origin.
    validatorUrl: null,
    defaultModelsExpandDepth: 0,
    docExpansion: 'list',
    tryItOutEnabled: false,
  });
})();
