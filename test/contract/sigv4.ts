/**
 * Signs contract-suite requests with AWS Signature Version 4 for a stage deployed with `-c auth=iam`, using the
 * AWS SDK's own signer and default credential chain (environment, profile, SSO, instance role…).
 */
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import type { OutgoingRequest } from './target.js';

/** The signing name of API Gateway's invoke endpoint. */
const SERVICE = 'execute-api';

export interface SigV4SignerOptions {
  /** @default the region in the stage URL (`….execute-api.<region>.amazonaws.com`), else AWS_REGION */
  readonly region?: string;
  /** @default the AWS SDK's default credential provider chain */
  readonly credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Fixed signing time, for tests. */
  readonly signingDate?: Date;
}

/** A function giving the SigV4 headers (Authorization, X-Amz-Date, …) for a request to `baseUrl`. */
export function sigV4Signer(
  baseUrl: string,
  options: SigV4SignerOptions = {},
): (request: OutgoingRequest) => Promise<Record<string, string>> {
  const region = options.region ?? regionOf(baseUrl);
  const signer = new SignatureV4({
    service: SERVICE,
    region,
    credentials: options.credentials ?? defaultProvider(),
    sha256: Hash.bind(null, 'sha256'),
  });
  return async ({ method, url, headers, body }) => {
    const target = new URL(url);
    const query: Record<string, string | string[]> = {};
    for (const name of new Set(target.searchParams.keys())) {
      const values = target.searchParams.getAll(name);
      query[name] = values.length === 1 ? (values[0] as string) : values;
    }
    const signed = await signer.sign(
      {
        method,
        protocol: target.protocol,
        hostname: target.hostname,
        ...(target.port ? { port: Number(target.port) } : {}),
        path: decodeURIComponent(target.pathname),
        query,
        headers: { ...headers, host: target.host },
        ...(body === undefined ? {} : { body }),
      },
      options.signingDate ? { signingDate: options.signingDate } : {},
    );
    // fetch sets Host itself; everything else the signer added is sent as is.
    const { host: _host, ...added } = signed.headers;
    return Object.fromEntries(Object.entries(added).filter(([name]) => !(name in headers)));
  };
}

function regionOf(baseUrl: string): string {
  const fromHost = /\.execute-api\.([a-z0-9-]+)\.amazonaws\.com$/.exec(new URL(baseUrl).hostname)?.[1];
  const region = fromHost ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (!region) throw new Error(`No AWS region in ${baseUrl}: set AWS_REGION to sign requests for it`);
  return region;
}
