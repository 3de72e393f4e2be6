import type { AnySchema, Ajv } from 'ajv';
import type { Context } from 'koa';
import { ConfigError } from '../config/config-error.ts';
import { jsonTooDeep, MAX_JSON_DEPTH } from '../http/json-depth.ts';
import { readRawBody } from '../http/raw-body.ts';
import { ResourceError } from './errors.ts';

const MAX_BODY_BYTES = 64 * 1024;

/**
 * Reads a JSON request body (APIs for the bank's own systems) and checks it against its JSON
 * Schema. Anything else — not JSON, too large, or not matching — is a 400 (415 for another media
 * type, 413 for too large) that names the problems, and changes nothing.
 */
export const jsonBodyReader =
  (ajv: Ajv) =>
  async <T>(ctx: Context, schema: AnySchema & { $id: string }): Promise<T> => {
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
    const validate = ajv.getSchema(schema.$id) ?? ajv.compile(schema);
    if (!validate(body)) {
      throw new ResourceError(
        400,
        'invalid_request',
        `The body does not match its schema: ${ConfigError.fromAjv('body', validate.errors).problems.join('; ')}`,
      );
    }
    return body as T;
  };

export type JsonBodyReader = ReturnType<typeof jsonBodyReader>;
