/**
 * The mass profiles by name (lenstronomy's names and parameters): one file each, all with the same interface, looked
 * up once per component and call (never per point). test/sim/profiles.test.ts checks every entry: the deflection is
 * the gradient of the potential, the Hessian the deflection's Jacobian, and its trace twice the convergence.
 */
import { byName } from '../by-name.js';
import {
  sheetConvergence,
  sheetDeflection,
  sheetHessian,
  sheetPotential,
  type ConvergenceParams,
} from './convergence.js';
import { shearDeflection, shearHessian, shearPotential, type ShearParams } from './shear.js';
import { sieConvergence, sieDeflection, sieHessian, siePotential, type SieParams } from './sie.js';
import { sisConvergence, sisDeflection, sisHessian, sisPotential, type SisParams } from './sis.js';
import type { Coords, DeflectionOut, HessianOut } from './types.js';

export type MassComponent = SisParams | SieParams | ShearParams | ConvergenceParams;
export type MassProfileName = MassComponent['type'];

/** One mass profile: its parameters, and what it adds at points (x, y) into caller-owned arrays. */
export interface MassProfile<P extends MassComponent = MassComponent> {
  /** Parameter names (lenstronomy's), besides `type`. */
  readonly params: readonly Exclude<keyof P, 'type'>[];
  potential(p: P, x: Coords, y: Coords, out: Float64Array): void;
  deflection(p: P, x: Coords, y: Coords, out: DeflectionOut): void;
  convergence(p: P, x: Coords, y: Coords, out: Float64Array): void;
  hessian(p: P, x: Coords, y: Coords, out: HessianOut): void;
}

const CENTRE = ['center_x', 'center_y'] as const;

export const MASS_PROFILES: {
  readonly [K in MassProfileName]: MassProfile<Extract<MassComponent, { type: K }>>;
} = {
  SIS: {
    params: ['theta_E', ...CENTRE],
    potential: sisPotential,
    deflection: sisDeflection,
    convergence: sisConvergence,
    hessian: sisHessian,
  },
  SIE: {
    params: ['theta_E', 'e1', 'e2', ...CENTRE],
    potential: siePotential,
    deflection: sieDeflection,
    convergence: sieConvergence,
    hessian: sieHessian,
  },
  SHEAR: {
    params: ['gamma1', 'gamma2'],
    potential: shearPotential,
    deflection: shearDeflection,
    convergence: () => {}, // a shear has no convergence
    hessian: shearHessian,
  },
  CONVERGENCE: {
    params: ['kappa'],
    potential: sheetPotential,
    deflection: sheetDeflection,
    convergence: sheetConvergence,
    hessian: sheetHessian,
  },
};

export const MASS_PROFILE_NAMES = Object.keys(MASS_PROFILES) as MassProfileName[];

/** The profile of a component; an unknown type's error lists the registered names. */
export function massProfile<C extends MassComponent>(c: C): MassProfile<C> {
  return byName<unknown>(MASS_PROFILES, c.type, 'mass component type') as MassProfile<C>;
}
