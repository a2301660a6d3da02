/** `lensfind sersic train` flags of a tiny run (16x16 cutouts, 8 galaxies a step, a 2 x 16 flow) taking seconds. */
export function tinySersicTrainArgs(steps: number, valEvery: number): string[] {
  return [
    '--preset',
    'quick',
    '--steps',
    String(steps),
    '--threads',
    '1',
    '--workers',
    '0',
    '--set',
    'image_size=16',
    '--set',
    'val_size=16',
    '--set',
    `val_every=${valEvery}`,
    '--set',
    'batch_size=8',
    '--set',
    'model.flow.layers=2',
    '--set',
    'model.flow.hidden=16',
  ];
}
