"""Planning scenarios: the validated data every simulation and optimizer takes as input.

>>> from scenarios import load_scenario
>>> s = load_scenario("toy")
>>> len(s.districts)
3
"""

from scenarios.errors import ScenarioError
from scenarios.loader import load_scenario
from scenarios.scenario import Scenario

__all__ = ["Scenario", "ScenarioError", "load_scenario"]
