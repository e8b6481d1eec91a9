/**
 * The scenario registry, in the order.
 */
import type { Scenario } from '../types.ts';
import { bundleScenario } from './bundle.ts';
import { httpScenario } from './http.ts';
import { inProcessScenario } from './in-process.ts';
import { memoryScenario } from './memory.ts';
import { parsingScenario } from './parsing.ts';
import { sizeScenario } from './size.ts';
import { stdioScenario } from './stdio.ts';

/** Every scenario. */
export const SCENARIOS: readonly Scenario[] = [
  inProcessScenario,
  stdioScenario,
  httpScenario,
  sizeScenario,
  memoryScenario,
  parsingScenario,
  bundleScenario,
];
