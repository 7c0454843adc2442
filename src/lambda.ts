/**
 * The Lambda entry point (`handler`). Everything is built once per execution environment, at module load, and
 * reused by every invocation.
 */
import { createApiHandler } from './api-handler.js';
import { readHandlerConfig } from './config.js';

export const handler = createApiHandler({ config: readHandlerConfig() });
