import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (
  ajv: Ajv2020,
) => void;

type Response = { $ref?: string; content?: Record<string, { schema: { $ref?: string } }> };
export type OpenApiDoc = {
  paths: Record<
    string,
    Record<
      string,
      { responses: Record<string, Response>; requestBody?: { content: Record<string, { schema: { $ref?: string } }> } }
    >
  >;
  components: { responses: Record<string, Response>; schemas: Record<string, unknown> };
};

/**
 * Holds the admin API's answers to its OpenAPI document: each JSON body a test sees must match
 * the schema documented for its path, method and status (responses may be shared ones, by $ref).
 */
export const adminOpenApiValidator = (doc: OpenApiDoc) => {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(doc as object, 'openapi');
  const resolve = (response: Response): Response =>
    response.$ref ? doc.components.responses[response.$ref.split('/').at(-1)!] : response;
  return {
    check(method: string, path: string, status: number, body: unknown) {
      const declared = doc.paths[path]?.[method.toLowerCase()]?.responses[String(status)];
      if (!declared) throw new Error(`the OpenAPI document has no ${status} response for ${method} ${path}`);
      const ref = resolve(declared).content?.['application/json']?.schema.$ref;
      if (!ref) throw new Error(`no JSON schema for ${status} ${method} ${path}`);
      const validate = ajv.getSchema(`openapi${ref}`)!;
      if (!validate(body))
        throw new Error(
          `${method} ${path} (${status}) does not match ${ref}: ` +
            `${ajv.errorsText(validate.errors)}\n${JSON.stringify(body).slice(0, 500)}`,
        );
    },
  };
};
