import { resolveConformanceOptions, runTokenStoreConformance } from '@tokenstore/conformance';
import { describe, expect, it } from 'vitest';
import * as conformanceModule from '../conformance.config.js';

runTokenStoreConformance({ describe, it, expect }, await resolveConformanceOptions(conformanceModule));
