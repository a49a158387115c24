/**
 * The built-in catalog: the 24 confirmed essential public services of Directive 24/CT-TTg
 * (domain.md §2.2; the 25th is unconfirmed in every source consulted, so it is not invented here),
 * the two Decree 63/2024/NĐ-CP bundles among them (items 17, 18) and the bundle members that are
 * not essential services themselves. Loaded at first start by the module's seed; an entry edited
 * by an administrator is never overwritten by a newer built-in definition.
 */
import type { ServiceDefinition } from '../model.js';
import { BUNDLE_MEMBER_SERVICES, BUNDLES } from './bundles.js';
import { JUSTICE_SERVICES } from './justice.js';
import { OTHER_SERVICES } from './other.js';
import { POLICE_SERVICES } from './police.js';

export const BUILTIN_CATALOG: readonly ServiceDefinition[] = [...POLICE_SERVICES, ...JUSTICE_SERVICES, ...BUNDLE_MEMBER_SERVICES, ...BUNDLES, ...OTHER_SERVICES];
