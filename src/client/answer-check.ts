/**
 * The client's optional answer check, for development and staging: every answer is held to the spec with validators
 * compiled when the package is built (src/generated/response-validators.ts: ajv's standalone code, no compiler, no
 * `eval`), and a status the operation does not document, or a JSON body its schema refuses, is reported as a
 * contract break. It never changes an answer. Off unless asked for: `createCustomersClient(url, { checkAnswers:
 * answerCheck() })`, so a bundle without it carries none of the validators.
 */
import type { ValidateFunction } from 'ajv';
import type { Middleware } from 'openapi-fetch';
import { byOperation } from '../generated/response-validators.js';

/** An answer the spec does not allow. */
export interface ContractBreak {
  readonly method: string;
  readonly url: string;
  readonly status: number;
  /** What is wrong: an undocumented status, or where the body breaks its schema (`/customerInDB must be boolean`). */
  readonly problems: readonly string[];
}

/** What `checkAnswers` takes: made by `answerCheck()`. */
export interface AnswerCheck {
  readonly middleware: Middleware;
}

const validators = byOperation as unknown as Record<string, Record<string, ValidateFunction>>;

/** Reports each contract break to `onBreak` (@default `console.error`). */
export function answerCheck(
  onBreak: (contractBreak: ContractBreak) => void = (found) => console.error('customers API contract break', found),
): AnswerCheck {
  return {
    middleware: {
      async onResponse({ request, response, schemaPath }) {
        const problems = await problemsOf(`${request.method.toUpperCase()} ${schemaPath}`, response.clone());
        if (problems.length > 0) {
          onBreak({ method: request.method, url: request.url, status: response.status, problems });
        }
        return undefined;
      },
    },
  };
}

async function problemsOf(operation: string, response: Response): Promise<string[]> {
  const statuses = validators[operation];
  if (!statuses) return [`${operation} is not an operation of the spec`];
  const validate = statuses[String(response.status)];
  if (!validate) return [`status ${response.status} is not documented for ${operation}`];
  if (!/^application\/json\b/i.test(response.headers.get('content-type') ?? '')) {
    return [`the ${response.status} is not JSON (${response.headers.get('content-type') ?? 'no Content-Type'})`];
  }
  let body: unknown;
  try {
    body = JSON.parse(await response.text());
  } catch {
    return ['the body is not valid JSON'];
  }
  if (validate(body)) return [];
  return (validate.errors ?? []).map((error) => `${error.instancePath || '(body)'} ${error.message ?? 'is invalid'}`);
}
