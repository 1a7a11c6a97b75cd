"""Simulation models (SimPy): inspection workloads and emergency response.

Empty until the simulation issues land; see docs/roadmap in README.
"""
