import { SGD, Adam, FusedAdamW } from '../torch/optim/index.js';
import type { Optimizer } from '../torch/optim/optimizer.js';
import { CosineWithWarmup, StepLR, OneCycleLR, ReduceLROnPlateau } from '../torch/lr/index.js';
import type { SchedulerState } from '../torch/lr/index.js';
import type { Module } from '../torch/nn/index.js';
import type { Tensor } from '../torch/tensor.js';
import type { TrainConfig } from './schema.js';
import { metricMode } from './schema.js';

/**
 * Parameter groups as timm makes them: weight decay on weights of convolutions and linear layers, none on biases,
 * normalisation parameters, position embeddings and tokens (1-D tensors or known names).
 */
export function paramGroups(model: Module, weightDecay: number): { params: Tensor[]; weightDecay: number }[] {
  const decay: Tensor[] = [];
  const noDecay: Tensor[] = [];
  for (const [name, p] of model.namedParameters()) {
    if (!p.requiresGrad) continue;
    const skip = p.ndim <= 1 || /(^|\.)(pos_embedding|class_token|cls_token|pos_embed)$/.test(name);
    (skip ? noDecay : decay).push(p);
  }
  return [
    { params: decay, weightDecay },
    { params: noDecay, weightDecay: 0 },
  ].filter((g) => g.params.length > 0);
}

export function makeOptimizer(model: Module, cfg: TrainConfig['optim']): Optimizer {
  const groups = paramGroups(model, cfg.weight_decay);
  switch (cfg.name) {
    case 'sgd':
      return new SGD(groups, {
        lr: cfg.lr,
        momentum: cfg.momentum,
        nesterov: cfg.nesterov && cfg.momentum > 0,
      });
    case 'adam':
      return new Adam(groups, { lr: cfg.lr, betas: cfg.betas });
    case 'adamw':
      // The fused step: the same results as AdamW (tested to 1e-6) in one native pass per parameter.
      return new FusedAdamW(groups, { lr: cfg.lr, betas: cfg.betas });
  }
}

/** A learning-rate schedule stepped after every batch (`afterBatch`) or every epoch (`afterEpoch`). */
export interface Schedule {
  afterBatch(): void;
  afterEpoch(metric: number): void;
  lr(): number;
  stateDict(): SchedulerState | null;
  loadStateDict(s: SchedulerState | null): void;
}

export function makeSchedule(optimizer: Optimizer, cfg: TrainConfig, stepsPerEpoch: number): Schedule {
  const s = cfg.schedule;
  const totalSteps = Math.max(1, cfg.epochs * stepsPerEpoch);
  const lr = () => optimizer.paramGroups[0].lr;
  const perBatch = (sched: CosineWithWarmup | OneCycleLR): Schedule => ({
    afterBatch: () => sched.step(),
    afterEpoch: () => {},
    lr,
    stateDict: () => sched.stateDict(),
    loadStateDict: (st) => st && sched.loadStateDict(st),
  });
  switch (s.name) {
    case 'constant':
      return { afterBatch() {}, afterEpoch() {}, lr, stateDict: () => null, loadStateDict() {} };
    case 'cosine':
      return perBatch(
        new CosineWithWarmup(optimizer, {
          warmupSteps: Math.round(s.warmup_epochs * stepsPerEpoch),
          totalSteps,
          minLr: s.min_lr,
        }),
      );
    case 'onecycle':
      return perBatch(new OneCycleLR(optimizer, { maxLr: cfg.optim.lr, totalSteps }));
    case 'step': {
      const sched = new StepLR(optimizer, { stepSize: s.step_size, gamma: s.gamma });
      return {
        afterBatch() {},
        afterEpoch: () => sched.step(),
        lr,
        stateDict: () => sched.stateDict(),
        loadStateDict: (st) => st && sched.loadStateDict(st),
      };
    }
    case 'plateau': {
      const sched = new ReduceLROnPlateau(optimizer, {
        mode: metricMode(cfg.monitor),
        factor: s.factor,
        patience: s.patience,
        minLr: s.min_lr,
      });
      return {
        afterBatch() {},
        afterEpoch: (m) => sched.step(m),
        lr,
        stateDict: () => sched.stateDict(),
        loadStateDict: (st) => st && sched.loadStateDict(st),
      };
    }
  }
}
