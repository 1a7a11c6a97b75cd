"""Simulation models (SimPy, minutes as the time base).

* :mod:`sim.inspection` — inspection workloads: sites, latent hazards, inspectors, the
  enforcement loop, staff turnover, accidents (docs/model-inspection.md);
* :mod:`sim.response` — emergency response and relief stocks (docs/model-response.md);
* :mod:`sim.hypercube` — Larson's hypercube queueing model, exact and approximate;
* :mod:`sim.replicate`, :mod:`sim.stats` — replications, confidence intervals, paired
  differences under common random numbers.
"""
