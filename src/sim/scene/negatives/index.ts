/** The non-lens kinds by name (scene.negatives gives their frequencies); one file each. */
import type { NegativeKind } from '../schema.js';
import { clumpy } from './clumpy.js';
import { companion } from './companion.js';
import { deflectorOnly } from './deflector-only.js';
import { edgeOn } from './edge-on.js';
import { group } from './group.js';
import { merger } from './merger.js';
import { ring } from './ring.js';
import { spiral } from './spiral.js';
import { starBlend } from './star-blend.js';
import { tidal } from './tidal.js';
import type { NegativeKindDraw } from './types.js';

export const NEGATIVE_DRAWS: Record<NegativeKind, NegativeKindDraw> = {
  deflector_only: deflectorOnly,
  companion,
  merger,
  tidal,
  spiral,
  ring,
  edge_on: edgeOn,
  clumpy,
  star_blend: starBlend,
  group,
};
export type { Central, NegativeKindDraw, NegativeScene } from './types.js';
