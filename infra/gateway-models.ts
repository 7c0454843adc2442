/**
 * The spec's schemas as API Gateway models take them (JSON Schema draft 4). API Gateway only pre-filters: a
 * constraint left out here lets a bad request reach the Lambda, which validates the whole spec and refuses it; it
 * never lets a bad request through. Each keyword is copied, left to the Lambda for the reason stated below, or a
 * problem that fails the synth.
 */

import { type Json, type JsonObject, mapValues, pointerSegment } from './spec-document.js';
import { TranslationProblems } from './translation-problems.js';

/** Schema keywords API Gateway models (JSON Schema draft 4) keep, copied as they are. */
export const GATEWAY_SCHEMA_KEYWORDS = new Set([
  'type',
  'properties',
  'required',
  'items',
  'minLength',
  'minimum',
  'maximum',
  'minItems',
  'maxItems',
  'enum',
  'description',
  'title',
  'format',
]);

/** Schema keywords left to the Lambda (which validates the whole spec), each with the reason the gateway cannot enforce it. */
export const SCHEMA_KEYWORDS_LEFT_TO_THE_LAMBDA: Readonly<Record<string, string>> = {
  maxLength:
    "API Gateway's validator counts UTF-16 code units, so a valid id of 512 emoji (512 code points) would be refused",
  pattern: "API Gateway's validator matches UTF-16 code units, not code points, and has its own regex dialect",
  additionalProperties: 'API Gateway models do not support it',
  example: 'documentation only',
  examples: 'documentation only',
  default:
    'an annotation that never changes whether a request is valid, and API Gateway models do not support it (the ' +
    'importer would reject the model)',
  'x-pattern-message': "the Lambda's message for a pattern failure",
};

/** Keywords the importer rejects or ignores in models; a test checks none is left in the translated document. */
export const KEYWORDS_GATEWAY_REJECTS = [
  'additionalProperties',
  'anyOf',
  'oneOf',
  'allOf',
  'not',
  'discriminator',
  'example',
  'examples',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'readOnly',
  'writeOnly',
  'nullable',
  'default',
  '$ref',
] as const;

/** The schema at `pointer`, reduced to what a model keeps; what it cannot translate goes to `problems`. */
export function gatewaySchema(value: Json, pointer: string, problems: TranslationProblems): JsonObject {
  const source = problems.object(value, pointer);
  const translated: JsonObject = {};
  for (const [keyword, field] of Object.entries(source)) {
    if (keyword === 'properties') {
      translated.properties = mapValues(problems.object(field, `${pointer}/properties`), (property, name) =>
        gatewaySchema(property, `${pointer}/properties/${pointerSegment(name)}`, problems),
      );
    } else if (keyword === 'items') {
      translated.items = gatewaySchema(field, `${pointer}/items`, problems);
    } else if (keyword === 'format' && source.type !== 'string' && typeof field === 'string') {
      // API Gateway refuses int32/int64 on numbers; other formats on numbers mean nothing to it.
      problems.add(`${pointer}/format`, `format ${JSON.stringify(field)} on a ${source.type} has no translation`);
    } else if (GATEWAY_SCHEMA_KEYWORDS.has(keyword)) {
      translated[keyword] = field;
    } else if (!(keyword in SCHEMA_KEYWORDS_LEFT_TO_THE_LAMBDA)) {
      problems.unknown(pointer, keyword, 'a schema');
    }
  }
  return translated;
}

/** A schema reduced to the draft-4 keywords API Gateway models accept; throws on anything it cannot translate. */
export function translateSchema(schema: Json | undefined): JsonObject {
  const problems = new TranslationProblems();
  const translated = gatewaySchema(schema ?? {}, '#', problems);
  problems.throwIfAny();
  return translated;
}
