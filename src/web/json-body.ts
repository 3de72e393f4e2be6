import type { Ajv, SchemaObject } from 'ajv';
import type { FromSchema, JSONSchema } from 'json-schema-to-ts';
import type { Middleware } from 'koa';
import { ConfigError } from '../config/config-error.ts';
import { jsonTooDeep, MAX_JSON_DEPTH } from '../http/json-depth.ts';
import { readRawBody } from '../http/raw-body.ts';
import { ResourceError } from './errors.ts';

const MAX_BODY_BYTES = 64 * 1024;

/** A JSON request body's schema, with an $id. The body's type is derived from it (FromSchema). */
export type JsonBodySchema = JSONSchema & { readonly $id: string };

/** What parseJson leaves on ctx.state: the body, typed by the schema it matched. */
export interface JsonBodyState<B> {
  body: B;
}

/**
 * `parseJson(schema)`: a step that reads a JSON request body (APIs for the bank's own systems) and
 * checks it against its JSON Schema; only then does the route go on, with `ctx.state.body` typed by
 * that schema. Anything else — not JSON, too large, or not matching — is a 400 (415 for another
 * media type, 413 for too large) that names the problems, and changes nothing.
 */
export const jsonParser =
  (ajv: Ajv) =>
  <const Schema extends JsonBodySchema, B = FromSchema<Schema>>(schema: Schema): Middleware<JsonBodyState<B>> => {
    // Compiled as a plain schema object: ajv's own JSONSchemaType<B> is not needed (FromSchema gave B).
    // ajv keeps compiled schemas by object, so a schema used by several routes is compiled once.
    const plain: SchemaObject = schema;
    const validate = ajv.compile<B>(plain);
    return async (ctx, next) => {
      if (!ctx.is('application/json'))
        throw new ResourceError(415, 'unsupported_media_type', 'The body must be application/json.');
      const text = await readRawBody(
        ctx,
        MAX_BODY_BYTES,
        () => new ResourceError(413, 'payload_too_large', 'The body is too large.'),
      );
      if (jsonTooDeep(text))
        throw new ResourceError(400, 'invalid_request', `The body nests deeper than ${MAX_JSON_DEPTH} levels.`);
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        throw new ResourceError(400, 'invalid_request', 'The body is not valid JSON.');
      }
      if (!validate(body)) {
        throw new ResourceError(
          400,
          'invalid_request',
          `The body does not match its schema: ${ConfigError.fromAjv('body', validate.errors).problems.join('; ')}`,
        );
      }
      ctx.state.body = body;
      return next();
    };
  };

export type JsonParser = ReturnType<typeof jsonParser>;
