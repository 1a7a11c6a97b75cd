"""Simulation models (SimPy, minutes as the time base).

* :mod:`anjian.sim.inspection` — inspection workloads: sites, latent hazards, inspectors, the
  enforcement loop, staff turnover, accidents (docs/model-inspection.md);
* :mod:`anjian.sim.response` — emergency response and relief stocks (docs/model-response.md);
* :mod:`anjian.sim.hypercube` — Larson's hypercube queueing model, exact and approximate;
* :mod:`anjian.sim.replicate`, :mod:`anjian.sim.stats` — replications, confidence intervals, paired
  differences under common random numbers.
"""
