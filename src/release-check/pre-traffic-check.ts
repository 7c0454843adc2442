/**
 * CodeDeploy's `BeforeAllowTraffic` hook (infra/release.ts): before the live alias sends any request to a new
 * version, invoke that version directly with the spec's release probes (src/release-check/release-probe.ts: a lookup
 * for each safe operation, a request each write must refuse, a CORS preflight for each method; none writes) and tell
 * CodeDeploy whether it answered as the spec says. `Failed` stops the deployment: the alias stays on the old version and the stack update fails.
 *
 * It invokes the function, not the API, so it needs no API key or signature in any auth mode (the function itself
 * checks neither: API Gateway does).
 */
import type { Context } from 'aws-lambda';
import { readFunctionRegion, readTargetVersionArn } from '../shared/config.js';
import { type HookStatus, invokeVersion, type LifecycleHookEvent, logLine, reportIn } from './release-hook-calls.js';
import { type InvokeAnswer, type ProbeVerdict, releaseProbes } from './release-probe.js';

export type { LifecycleHookEvent } from './release-hook-calls.js';

/** The AWS calls the check makes, handed in so that the check runs against anything that answers like them. */
export interface PreTrafficCheckCalls {
  readonly invoke: (event: unknown) => Promise<InvokeAnswer>;
  readonly report: (event: LifecycleHookEvent, status: HookStatus) => Promise<void>;
  readonly log?: (line: Record<string, unknown>) => void;
}

/** Probes the new version, reports the verdict to CodeDeploy, and returns it. */
export async function checkBeforeTraffic(
  event: LifecycleHookEvent,
  calls: PreTrafficCheckCalls,
): Promise<ProbeVerdict> {
  let verdict: ProbeVerdict = { passed: true };
  // The lookups, the writes it must refuse, the preflights, in order; the first that fails decides. None writes.
  for (const probe of releaseProbes()) {
    try {
      const judged = probe.judge(await calls.invoke(probe.event));
      if (!judged.passed) verdict = { passed: false, reason: `${probe.name}: ${judged.reason}` };
    } catch (error) {
      verdict = { passed: false, reason: `the new version could not be invoked: ${String(error)}` };
    }
    if (!verdict.passed) break;
  }
  (calls.log ?? logLine)({ message: 'pre-traffic check', deploymentId: event.DeploymentId, ...verdict });
  await calls.report(event, verdict.passed ? 'Succeeded' : 'Failed');
  return verdict;
}

/** The Lambda entry: checks the version `TARGET_VERSION_ARN` names (src/shared/config.ts reads the settings). */
export async function handler(event: LifecycleHookEvent, _context?: Context): Promise<ProbeVerdict> {
  // The function's own region: a missing or bad ARN still ends in a Failed report (its reason names the setting),
  // never in silence until CodeDeploy's timeout.
  const region = readFunctionRegion();
  return checkBeforeTraffic(event, {
    invoke: (probe) => invokeVersion(readTargetVersionArn(), probe),
    report: reportIn(region),
  });
}

// One bundle for both release hooks: the AfterAllowTraffic hook is this bundle's `postTrafficHandler`.
export { handler as postTrafficHandler } from './post-traffic-check.js';
