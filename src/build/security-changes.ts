/**
 * Which changes to who may call break existing clients, for `npm run check:breaking`. api-smart-diff calls an
 * operation's new `security` a non-breaking addition (and the gate compares `paths` only), yet every client that
 * called without credentials is refused after it. Compared here by meaning: a client that satisfied one of an
 * operation's security alternatives before must satisfy one after, with the same credentials (a scheme is the same
 * credential when its definition is: type, where it is sent and under which name, HTTP scheme, flows).
 */

interface SecurityScheme {
  readonly type?: string;
  readonly in?: string;
  readonly name?: string;
  readonly scheme?: string;
  readonly bearerFormat?: string;
  readonly openIdConnectUrl?: string;
  readonly flows?: unknown;
}

type Requirement = Readonly<Record<string, readonly string[]>>;

interface Document {
  readonly security?: readonly Requirement[];
  readonly paths?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly components?: { readonly securitySchemes?: Readonly<Record<string, SecurityScheme>> };
}

const OPERATION_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

export interface SecurityBreak {
  /** `#/paths/~1customers/get/security`: where the operation's requirements are. */
  readonly path: string;
  readonly reason: string;
}

/** One credential a client sends: a scheme's definition (not its name in `components`) and the scopes it holds. */
function credential(document: Document, schemeName: string, scopes: readonly string[]): string {
  const scheme = document.components?.securitySchemes?.[schemeName];
  // An undefined scheme is a credential no client can have: nothing is equal to it.
  if (!scheme) return `undefined scheme ${schemeName}`;
  const { type, in: where, name, scheme: httpScheme, bearerFormat, openIdConnectUrl, flows } = scheme;
  const definition = JSON.stringify([
    type,
    where,
    type === 'apiKey' ? name?.toLowerCase() : name,
    httpScheme?.toLowerCase(),
    bearerFormat,
    openIdConnectUrl,
    flows,
  ]);
  return `${definition} ${[...scopes].sort().join(' ')}`;
}

/** Each alternative an operation accepts, as the set of credentials it needs; one empty alternative: anyone. */
function alternatives(document: Document, operation: { security?: readonly Requirement[] }): Set<string>[] {
  const requirements = operation.security ?? document.security ?? [];
  if (requirements.length === 0) return [new Set()];
  return requirements.map(
    (requirement) =>
      new Set(Object.entries(requirement).map(([scheme, scopes]) => credential(document, scheme, scopes))),
  );
}

const pointerSegment = (segment: string) => segment.replaceAll('~', '~0').replaceAll('/', '~1');

/** Operations in both documents whose clients, with the credentials they had, can no longer call. */
export function securityBreaks(base: unknown, head: unknown): SecurityBreak[] {
  const before = base as Document;
  const after = head as Document;
  const breaks: SecurityBreak[] = [];
  for (const [path, item] of Object.entries(before.paths ?? {})) {
    for (const method of OPERATION_METHODS) {
      const old = item[method] as { security?: readonly Requirement[] } | undefined;
      const now = after.paths?.[path]?.[method] as { security?: readonly Requirement[] } | undefined;
      if (!old || !now) continue; // a removed operation is the diff's to report
      const accepted = alternatives(after, now);
      // A client that met `had` still gets in if some alternative now needs nothing it lacks.
      const lockedOut = alternatives(before, old).find(
        (had) => !accepted.some((needed) => [...needed].every((one) => had.has(one))),
      );
      if (lockedOut) {
        breaks.push({
          path: `#/paths/${pointerSegment(path)}/${method}/security`,
          reason:
            lockedOut.size === 0
              ? 'now requires credentials: a client that sent none is refused'
              : 'a client with the credentials it accepted before is refused',
        });
      }
    }
  }
  return breaks;
}
