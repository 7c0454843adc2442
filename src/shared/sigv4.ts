/**
 * SigV4 headers for a request sent with `fetch`, from the AWS SDK's own signer: the post-traffic check signs its
 * calls to the stage and to API Gateway with it, and the contract suite signs its requests to an `auth=iam` stage.
 */
import type { SignatureV4 } from '@smithy/signature-v4';

export interface RequestToSign {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

/**
 * The headers `signer` adds to `request` (Authorization, X-Amz-Date, …): signed over its path, every value of its
 * query and its Host, which is then left out (fetch sets Host itself).
 */
export async function sigV4Headers(
  signer: SignatureV4,
  request: RequestToSign,
  signingDate?: Date,
): Promise<Record<string, string>> {
  const target = new URL(request.url);
  const query: Record<string, string | string[]> = {};
  for (const name of new Set(target.searchParams.keys())) {
    const values = target.searchParams.getAll(name);
    query[name] = values.length === 1 ? (values[0] as string) : values;
  }
  const signed = await signer.sign(
    {
      method: request.method,
      protocol: target.protocol,
      hostname: target.hostname,
      ...(target.port ? { port: Number(target.port) } : {}),
      path: decodeURIComponent(target.pathname),
      query,
      headers: { ...request.headers, host: target.host },
      ...(request.body === undefined ? {} : { body: request.body }),
    },
    signingDate ? { signingDate } : {},
  );
  const { host: _host, ...headers } = signed.headers;
  return headers;
}
