/**
 * The strict translation's bookkeeping: everything in the spec that it cannot give API Gateway, each at its JSON
 * pointer. Nothing is dropped because nobody thought about it: a keyword is translated, left to the Lambda for a
 * stated reason, or recorded here, and the synth then fails naming every one (UntranslatableSpecError).
 */
import { type Json, type JsonObject, pointerSegment } from './spec-document.js';

/** The spec uses something the translation does not know how to give API Gateway. */
export class UntranslatableSpecError extends Error {
  override readonly name = 'UntranslatableSpecError';
  constructor(readonly problems: readonly string[]) {
    super(
      `openapi/openapi.yaml cannot be imported into API Gateway as it is (infra/api-definition.ts):\n${problems
        .map((problem) => `  - ${problem}`)
        .join('\n')}\nTeach infra/api-definition.ts to translate it, or express it differently in the spec.`,
    );
  }
}

/** What one translation found it cannot translate, in the order it met them. */
export class TranslationProblems {
  readonly found: string[] = [];

  add(pointer: string, what: string): void {
    this.found.push(`${pointer}: ${what}`);
  }

  /** A field the translation has no rule for. */
  unknown(pointer: string, key: string, where: string): void {
    this.add(`${pointer}/${pointerSegment(key)}`, `\`${key}\` in ${where} has no API Gateway translation`);
  }

  /** `value` as an object, or a problem (and an empty object, so that the translation goes on and finds the rest). */
  object(value: Json | undefined, pointer: string): JsonObject {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      this.add(pointer, `expected an object, got ${JSON.stringify(value)}`);
      return {};
    }
    return value;
  }

  /** `value` as an array, or a problem (and an empty array). */
  array(value: Json | undefined, pointer: string): Json[] {
    if (!Array.isArray(value)) {
      this.add(pointer, `expected an array, got ${JSON.stringify(value)}`);
      return [];
    }
    return value;
  }

  throwIfAny(): void {
    if (this.found.length > 0) throw new UntranslatableSpecError(this.found);
  }
}
