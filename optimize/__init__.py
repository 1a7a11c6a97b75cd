"""Optimisation models (OR-Tools): placing inspectors, vehicles and relief stocks.

Empty until the optimizer issue lands; see README.
"""
