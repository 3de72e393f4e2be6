import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (
  ajv: Ajv2020,
) => void;

type OpenApi = {
  paths: Record<
    string,
    Record<string, { responses: Record<string, { content?: Record<string, { schema: { $ref?: string } }> }> }>
  >;
};

/**
 * Holds responses to the OpenAPI document the server serves: every data response a test sees is
 * checked against the schema documented for its path and status, so the document cannot drift.
 */
export const openApiValidator = (doc: OpenApi) => {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(doc as object, 'openapi');
  return {
    /** Throws with ajv's errors when the body does not match. */
    check(path: string, status: number, body: unknown, method = 'get') {
      const response = doc.paths[path]?.[method]?.responses[String(status)];
      if (!response)
        throw new Error(`the OpenAPI document has no ${status} response for ${method.toUpperCase()} ${path}`);
      const ref = response.content?.['application/json']?.schema.$ref;
      if (!ref) throw new Error(`no JSON schema for ${status} ${path}`);
      const validate = ajv.getSchema(`openapi${ref}`);
      if (!validate) throw new Error(`cannot resolve ${ref}`);
      if (!validate(body))
        throw new Error(
          `response to ${method.toUpperCase()} ${path} (${status}) does not match ${ref}: ` +
            `${ajv.errorsText(validate.errors)}`,
        );
    },
  };
};
