import type { NegativeKindDraw } from './types.js';

/** The central galaxy alone (with the field every cutout has). */
export const deflectorOnly: NegativeKindDraw = (ctx, { galaxy, cx, cy }) => ({
  lights: [ctx.place(galaxy, cx, cy, 'deflector')],
});
