/** Outputs a mass model writes into caller-owned arrays (added to, so components superpose). */
export interface DeflectionOut {
  ax: Float64Array;
  ay: Float64Array;
}

/** Hessian of the lensing potential at points (added to): f_xx, f_yy, f_xy. */
export interface HessianOut {
  fxx: Float64Array;
  fyy: Float64Array;
  fxy: Float64Array;
}

type Coords = ArrayLike<number>;
export type { Coords };
