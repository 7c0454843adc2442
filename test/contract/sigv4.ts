/**
 * Signs contract-suite requests with AWS Signature Version 4 for a stage deployed with `-c auth=iam`, using the
 * AWS SDK's own signer and default credential chain (environment, profile, SSO, instance role…).
 */
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { sigV4Headers } from '../../src/shared/sigv4.js';
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
  return async (request) => {
    const added = await sigV4Headers(signer, request, options.signingDate);
    // everything the signer added is sent as is
    return Object.fromEntries(Object.entries(added).filter(([name]) => !(name in request.headers)));
  };
}

function regionOf(baseUrl: string): string {
  const fromHost = /\.execute-api\.([a-z0-9-]+)\.amazonaws\.com$/.exec(new URL(baseUrl).hostname)?.[1];
  const region = fromHost ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (!region) throw new Error(`No AWS region in ${baseUrl}: set AWS_REGION to sign requests for it`);
  return region;
}
