/**
 * The non-lens kinds by name, one file each: the kind's name (a key of scene.negatives), its default fraction, and
 * how it is drawn. The config's keys and the kinds a non-lens is drawn from both come from this list, in this order
 * (the order of the draw: reordering it changes every non-lens of a seed).
 */
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

export interface NegativeKindEntry {
  readonly kind: string;
  /** Relative frequency when scene.negatives does not give one. */
  readonly fraction: number;
  readonly draw: NegativeKindDraw;
}

export const NEGATIVES = [
  { kind: 'deflector_only', fraction: 0.2, draw: deflectorOnly },
  { kind: 'companion', fraction: 0.18, draw: companion },
  { kind: 'merger', fraction: 0.08, draw: merger },
  { kind: 'tidal', fraction: 0.07, draw: tidal },
  { kind: 'spiral', fraction: 0.1, draw: spiral },
  { kind: 'ring', fraction: 0.05, draw: ring },
  { kind: 'edge_on', fraction: 0.08, draw: edgeOn },
  { kind: 'clumpy', fraction: 0.08, draw: clumpy },
  { kind: 'star_blend', fraction: 0.08, draw: starBlend },
  { kind: 'group', fraction: 0.08, draw: group },
] as const satisfies readonly NegativeKindEntry[];

export type NegativeKind = (typeof NEGATIVES)[number]['kind'];
export const NEGATIVE_KINDS = NEGATIVES.map((n) => n.kind) as readonly NegativeKind[];

export type { Central, NegativeKindDraw, NegativeScene } from './types.js';
