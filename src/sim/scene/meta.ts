/**
 * The metadata of a cutout without a drawn lens (the simulator's non-lenses, and cutouts `lensfind inject` leaves as
 * they are): the lens's quantities do not apply (Einstein radius and shear 0, the rest NaN), the central galaxy's
 * are given.
 */
export function nonLensMeta(o: {
  label: number;
  kind: string;
  /** The central galaxy's axis ratio. */
  q: number;
  z_lens: number;
  deflector_mag: number;
  deflector_R: number;
}): Record<string, number | string> {
  return {
    label: o.label,
    negative_kind: o.kind,
    theta_E: 0,
    q: o.q,
    gamma: 0,
    // No mass: the lens orientation does not apply.
    e1: NaN,
    e2: NaN,
    gamma1: 0,
    gamma2: 0,
    shear_angle_deg: NaN,
    sigma_v: NaN,
    z_lens: o.z_lens,
    z_source: NaN,
    source_mag: NaN,
    source_R: NaN,
    source_x: NaN,
    source_y: NaN,
    source_offset: NaN,
    deflector_mag: o.deflector_mag,
    deflector_R: o.deflector_R,
    n_clumps: 0,
  };
}
