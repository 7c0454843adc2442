/**
 * The real Prism CLI as a validating proxy (`prism proxy openapi/openapi.yaml <upstream>`): it forwards each request
 * to the upstream and checks request and response against the spec, reporting what does not match in an
 * `sl-violations` response header (and, with `--errors`, refusing an invalid request with 422 and turning an invalid
 * response into a 500 problem+json). Its own process group, so `close()` stops it and anything it forked.
 */
import { type PrismProcess, SPEC_PATH, startPrism } from './prism.js';

/** Prism's proxy starts slower than its mock on shared cores. */
const PROXY_START_TIMEOUT_MS = 60_000;

export type PrismProxy = PrismProcess;

/** One entry of Prism's `sl-violations` header. */
export interface Violation {
  readonly location: string[];
  readonly severity: string;
  readonly code?: string | number;
  readonly message: string;
}

export function violationsOf(headers: Headers): Violation[] {
  const header = headers.get('sl-violations');
  return header ? (JSON.parse(header) as Violation[]) : [];
}

export function startPrismProxy(upstream: string, options: { errors: boolean }): Promise<PrismProxy> {
  const args = ['proxy', SPEC_PATH, upstream];
  if (options.errors) args.push('--errors');
  return startPrism(args, PROXY_START_TIMEOUT_MS);
}
